import type { ConversationLink } from "../../graphs/index.js";
import { allyThreadId, commanderThreadId, parseThreadId, type User } from "../../domain/index.js";
import type { Store } from "../../store/index.js";
import { HttpError } from "./http-error.js";

/** Who is looking: the signed-in user, if any. */
export interface Viewer {
  user?: User;
}

export interface ConversationRef {
  threadId: string;
  label: string;
}

const MAX_ID_LENGTH = 200;
const RECENT = 20;

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

async function commanderConversation(
  store: Store,
  sessionId: string,
  viewer: Viewer,
): Promise<ConversationRef> {
  const session = await store.commanderSessions.get(sessionId);
  if (!session) throw new HttpError(404, "There is no Commander session with that id.");
  checkOwner(session.user_id, viewer);
  return {
    threadId: commanderThreadId(session.id),
    label: `Commander session ${session.id.slice(0, 8)}`,
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
  return { threadId: allyThreadId(enrollment.id), label: `Ally on ${mission?.title ?? missionId}` };
}

type Resolver = (
  store: Store,
  query: URLSearchParams,
  viewer: Viewer,
) => Promise<ConversationRef | undefined>;

const RESOLVERS: Record<string, Resolver> = {
  /** `?session_id=…` or `?thread=commander:<session_id>`. */
  async mission_commander(store, query, viewer) {
    if (query.has("mission_id")) {
      throw new HttpError(400, "mission_id opens an Ally enrollment; use session_id or thread.");
    }
    const thread = idParam(query, "thread");
    const owner = thread === undefined ? undefined : parseThreadId(thread);
    if (thread !== undefined && owner?.agent !== "commander") {
      throw new HttpError(400, "Commander threads are named commander:<session_id>.");
    }
    const sessionId = owner?.agent === "commander" ? owner.sessionId : idParam(query, "session_id");
    return sessionId ? commanderConversation(store, sessionId, viewer) : undefined;
  },

  /** `?mission_id=…` for the viewer's own enrollment, or `?thread=ally:<user_id>_<mission_id>`. */
  async mission_ally(store, query, viewer) {
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
): Promise<ConversationRef | undefined> {
  const resolve = RESOLVERS[graphName];
  return resolve ? resolve(store, query, viewer) : Promise.resolve(undefined);
}

/** The user's recent Commander sessions and Ally enrollments, most recent first. */
export async function recentConversations(store: Store, user: User): Promise<ConversationLink[]> {
  const [sessions, enrollments] = await Promise.all([
    store.commanderSessions.listForUser(user.id, RECENT),
    store.enrollments.listForUser(user.id),
  ]);
  const links = [
    ...sessions.map((s) => ({
      at: s.updated_at,
      label: `Commander session ${s.id.slice(0, 8)}`,
      detail: `${s.status}, last active ${s.updated_at}`,
      href: `/graphs/mission_commander?session_id=${encodeURIComponent(s.id)}`,
    })),
    ...enrollments.map((e) => ({
      at: e.last_accessed_at,
      label: `Ally on ${e.mission_title}`,
      detail: `${Math.round(e.progress)}% done, last active ${e.last_accessed_at}`,
      href: `/graphs/mission_ally?mission_id=${encodeURIComponent(e.mission_id)}`,
    })),
  ];
  return links
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, RECENT)
    .map(({ label, detail, href }) => ({ label, detail, href }));
}
