import type { ConversationLink, StateValues } from "../../graphs/index.js";
import {
  allyThreadId,
  commanderThreadId,
  GRAPHS,
  parseThreadId,
  type CommanderSession,
  type User,
} from "../../domain/index.js";
import type { Store } from "../../store/index.js";
import { HttpError } from "./http-error.js";

/** Who is looking: the signed-in user, if any. */
export interface Viewer {
  user?: User;
}

export interface ConversationRef {
  threadId: string;
  /** Its topic or mission, never an id. */
  label: string;
  /** The mission's checkpoint titles, for a conversation that follows a mission. */
  checkpoints?: string[];
}

/** How the pages read a thread: its current state, and the learner's first message. */
export interface ThreadReader {
  state(threadId: string): Promise<StateValues | undefined>;
  opening(threadId: string): Promise<string | undefined>;
}

const MAX_ID_LENGTH = 200;
const RECENT = 20;

const WHEN = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** `2026-11-30T23:31:52Z` → `30 Nov 2026, 23:31 UTC`. */
const when = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${WHEN.format(date)} UTC`;
};

function idParam(query: URLSearchParams, key: string): string | undefined {
  const value = query.get(key);
  if (value === null) return undefined;
  if (value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw new HttpError(400, `${key} must be 1 to ${MAX_ID_LENGTH} characters long.`);
  }
  return value;
}

/** A conversation is shown to its owner alone, whatever the sign-in mode. */
function checkOwner(ownerId: string, viewer: Viewer): void {
  if (!viewer.user) throw new HttpError(401, "Sign in to see this conversation.");
  if (viewer.user.id !== ownerId) {
    throw new HttpError(403, "This conversation belongs to another user.");
  }
}

const OPENING_LENGTH = 60;

/** Words of the learner's, quoted and cut to a label's length. */
function quoted(text: string): string {
  const words = text.replace(/\s+/g, " ").trim();
  return `“${words.length > OPENING_LENGTH ? `${words.slice(0, OPENING_LENGTH - 1)}…` : words}”`;
}

/**
 * An interview is called by the mission it created, else by the topic the learner confirmed,
 * else by what the learner opened with.
 */
async function commanderLabel(
  store: Store,
  session: CommanderSession,
  reader: ThreadReader,
): Promise<string> {
  const mission = session.mission_id ? await store.missions.get(session.mission_id) : null;
  if (mission) return `Commander: ${mission.title}`;
  const threadId = commanderThreadId(session.id);
  const goal = (await reader.state(threadId))?.goal as { topic?: unknown } | null | undefined;
  if (typeof goal?.topic === "string" && goal.topic) return `Commander: ${goal.topic}`;
  const opening = await reader.opening(threadId);
  return opening ? `Commander: ${quoted(opening)}` : "Commander: no messages yet";
}

async function commanderConversation(
  store: Store,
  sessionId: string,
  viewer: Viewer,
  reader: ThreadReader,
): Promise<ConversationRef> {
  const session = await store.commanderSessions.get(sessionId);
  if (!session) throw new HttpError(404, "There is no Commander session with that id.");
  checkOwner(session.user_id, viewer);
  return {
    threadId: commanderThreadId(session.id),
    label: await commanderLabel(store, session, reader),
  };
}

async function allyConversation(
  store: Store,
  userId: string,
  missionId: string,
  viewer: Viewer,
): Promise<ConversationRef> {
  checkOwner(userId, viewer);
  const [enrollment, mission] = await Promise.all([
    store.enrollments.get(userId, missionId),
    store.missions.get(missionId),
  ]);
  if (!enrollment) throw new HttpError(404, "There is no Ally enrollment for that mission.");
  return {
    threadId: allyThreadId(enrollment.id),
    label: `Ally: ${mission?.title ?? "a deleted mission"}`,
    checkpoints: mission?.byte_size_checkpoints,
  };
}

type Resolver = (
  store: Store,
  query: URLSearchParams,
  viewer: Viewer,
  reader: ThreadReader,
) => Promise<ConversationRef | undefined>;

const RESOLVERS: Record<string, Resolver> = {
  /** `?session_id=…` or `?thread=commander:<session_id>`. */
  async [GRAPHS.commander](store, query, viewer, reader) {
    if (query.has("mission_id")) {
      throw new HttpError(400, "mission_id opens an Ally enrollment; use session_id or thread.");
    }
    const thread = idParam(query, "thread");
    const owner = thread === undefined ? undefined : parseThreadId(thread);
    if (thread !== undefined && owner?.agent !== "commander") {
      throw new HttpError(400, "Commander threads are named commander:<session_id>.");
    }
    const sessionId = owner?.agent === "commander" ? owner.sessionId : idParam(query, "session_id");
    return sessionId ? commanderConversation(store, sessionId, viewer, reader) : undefined;
  },

  /** `?mission_id=…` for the viewer's own enrollment, or `?thread=ally:<user_id>_<mission_id>`. */
  async [GRAPHS.ally](store, query, viewer) {
    if (query.has("session_id")) {
      throw new HttpError(400, "session_id opens a Commander session; use mission_id or thread.");
    }
    const thread = idParam(query, "thread");
    if (thread !== undefined) {
      const owner = parseThreadId(thread);
      if (owner?.agent !== "ally") {
        throw new HttpError(400, "Ally threads are named ally:<user_id>_<mission_id>.");
      }
      return allyConversation(store, owner.userId, owner.missionId, viewer);
    }
    const missionId = idParam(query, "mission_id");
    if (missionId === undefined) return undefined;
    if (!viewer.user) throw new HttpError(401, "Sign in to open your enrollment by mission_id.");
    return allyConversation(store, viewer.user.id, missionId, viewer);
  },
};

/**
 * The conversation a graph page asks for, if any, once the viewer may see it: Commander threads
 * belong to the session's user, Ally threads to the enrolled user.
 */
export function requestedConversation(
  store: Store,
  graphName: string,
  query: URLSearchParams,
  viewer: Viewer,
  reader: ThreadReader,
): Promise<ConversationRef | undefined> {
  const resolve = RESOLVERS[graphName];
  return resolve ? resolve(store, query, viewer, reader) : Promise.resolve(undefined);
}

/** The user's recent Commander sessions and Ally enrollments, most recent first. */
export async function recentConversations(
  store: Store,
  user: User,
  commanderThread: ThreadReader,
): Promise<ConversationLink[]> {
  const [sessions, enrollments] = await Promise.all([
    store.commanderSessions.listForUser(user.id, RECENT),
    store.enrollments.listForUser(user.id),
  ]);
  const interviews = await Promise.all(
    sessions.map(async (s) => ({
      at: s.updated_at,
      label: await commanderLabel(store, s, commanderThread),
      detail: `${s.status}, last active ${when(s.updated_at)}`,
      href: `/graphs/${GRAPHS.commander}?session_id=${encodeURIComponent(s.id)}`,
    })),
  );
  const links = [
    ...interviews,
    ...enrollments.map((e) => ({
      at: e.last_accessed_at,
      label: `Ally: ${e.mission_title}`,
      detail: `${Math.round(e.progress)}% done, last active ${when(e.last_accessed_at)}`,
      href: `/graphs/${GRAPHS.ally}?mission_id=${encodeURIComponent(e.mission_id)}`,
    })),
  ];
  return links
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, RECENT)
    .map(({ label, detail, href }) => ({ label, detail, href }));
}
