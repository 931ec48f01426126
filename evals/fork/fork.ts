import { randomUUID } from "node:crypto";
import {
  MissionDraftSchema,
  TOOLS,
  allyThreadId,
  commanderThreadId,
  parseThreadId,
  progressPercent,
  type User,
} from "../../domain/index.js";
import { readConversation, type Conversation, type Turn } from "../../graphs/index.js";
import type { Store } from "../../store/index.js";
import { exportCase, storedGraphs, type ExportSource } from "../record/export-case.js";
import { ConversationDriver } from "../runner/conversation-driver.js";
import { isServerFrame } from "../runner/frame-log.js";
import { startHarness, type Harness } from "../runner/harness.js";
import { compareTurns } from "./compare.js";
import { copyTranscript, copyTurns } from "./copy-thread.js";
import type { ForkModel, ForkResult } from "./fork-data.js";
import { ForkError, openForkModels, type ForkModels } from "./fork-models.js";
import { forkPrompts, type ForkPrompts } from "./fork-prompts.js";

export interface ForkRequest {
  /** `commander:<session id>` or `ally:<user id>_<mission id>`. */
  thread: string;
  /** Keep turns 1 to `turn`, replay the learner's messages after it. */
  turn: number;
  model: ForkModel;
  temperature?: number;
  /** A copy of `prompts/` to run the continuation with. */
  promptsDir?: string;
  /** Prompt files to replace (on top of `promptsDir`), e.g. `{"ally/mission_sensei.md": "…"}`. */
  prompts?: Record<string, string>;
  /** Where Gemini settings come from (`GOOGLE_API_KEY`, `GEMINI_BASE_URL`, `GEMINI_MODEL`, …). */
  env?: Record<string, string | undefined>;
  /** How long one reply may take. */
  timeoutMs?: number;
}

/** The learner-side facts a fork starts from, read from the learner's store. */
interface Source {
  agent: "commander" | "ally";
  user: User | null;
  conversation: Conversation;
  graph: ReturnType<typeof storedGraphs>["commander" | "ally"];
  /** Ally: the mission, and how many checkpoints were complete when the conversation began. */
  mission?: { draft: ReturnType<typeof MissionDraftSchema.parse>; before: number };
}

/** Checkpoints the turns completed: calls to mark one complete that were not refused. */
function completions(turns: Turn[]): number {
  const said = turns.flatMap((t) => [...t.steps.flatMap((s) => s.said), ...t.unattributed]);
  return said.filter((item, i) => {
    const result = said[i + 1];
    const refused = result?.kind === "tool_result" && result.text.startsWith("Refused");
    return item.kind === "tool_call" && item.name === TOOLS.markCheckpointComplete && !refused;
  }).length;
}

async function readSource(store: Store, thread: string): Promise<Source> {
  const owner = parseThreadId(thread);
  if (!owner) {
    throw new ForkError("A thread is named commander:<session id> or ally:<user id>_<mission id>");
  }
  const graphs = storedGraphs(store);
  if (owner.agent === "commander") {
    const session = await store.commanderSessions.get(owner.sessionId);
    if (!session) throw new ForkError(`There is no Commander session ${owner.sessionId}`);
    return {
      agent: "commander",
      user: await store.users.get(session.user_id),
      conversation: await readConversation(graphs.commander, thread, store.transcripts),
      graph: graphs.commander,
    };
  }
  const [enrollment, mission, user] = await Promise.all([
    store.enrollments.get(owner.userId, owner.missionId),
    store.missions.get(owner.missionId),
    store.users.get(owner.userId),
  ]);
  if (!enrollment || !mission) throw new ForkError(`There is no Ally enrollment for ${thread}`);
  const conversation = await readConversation(graphs.ally, thread, store.transcripts);
  const before = Math.max(
    0,
    enrollment.completed_checkpoints.length - completions(conversation.turns),
  );
  return {
    agent: "ally",
    user,
    conversation,
    graph: graphs.ally,
    mission: { draft: MissionDraftSchema.parse(mission), before },
  };
}

/** The scratch learner and their conversation, in the fork's own store, at the fork point. */
async function seedScratch(harness: Harness, source: Source, prefix: Turn[]) {
  const { store } = harness;
  const name = source.user?.name ?? "Learner";
  const { token, uid } = harness.issuer.issue({
    email: `fork-${randomUUID()}@forks.learnforge.local`,
    name,
  });
  await store.users.ensure({ uid, name });
  await store.users.update(uid, { name, learning_style: source.user?.learning_style ?? [] });
  if (!source.mission) {
    const session = await store.commanderSessions.create(uid);
    return {
      token,
      thread: commanderThreadId(session.id),
      path: `/api/v1/mission-commander/ws?session_id=${encodeURIComponent(session.id)}&events=all`,
      exportSource: { session: session.id } as ExportSource,
      graph: harness.graphs.commander,
    };
  }
  const { draft, before } = source.mission;
  const created = await store.missions.createWithEnrollment({ draft, creatorId: uid });
  const missionId = created.mission.id;
  const checkpoints = draft.byte_size_checkpoints;
  const done = Math.min(checkpoints.length, before + completions(prefix));
  if (done > 0) {
    await store.enrollments.recordProgress(uid, missionId, {
      completed_checkpoints: checkpoints.slice(0, done),
      progress: progressPercent(done, checkpoints.length),
      completed: done === checkpoints.length,
    });
  }
  return {
    token,
    thread: allyThreadId(created.enrollment.id),
    path: `/api/v1/mission-ally/ws?mission_id=${encodeURIComponent(missionId)}`,
    exportSource: { enrollment: created.enrollment.id } as ExportSource,
    graph: harness.graphs.ally,
  };
}

/**
 * Forks a stored conversation after one of its turns: copies turns 1 to `turn` into a scratch
 * thread of a scratch learner, in a server and store of the fork's own (the learner's thread,
 * transcript, enrollment and mission are only read), replays the learner's later messages there
 * over a real socket with the given prompts and model, and returns both continuations side by
 * side, with the fork as an eval case.
 */
export async function runFork(store: Store, request: ForkRequest): Promise<ForkResult> {
  if (!Number.isInteger(request.turn) || request.turn < 1) {
    throw new ForkError("turn must be a whole number from 1");
  }
  const source = await readSource(store, request.thread);
  const turns = source.conversation.turns.filter((t) => t.id !== "");
  if (request.turn >= turns.length) {
    throw new ForkError(
      `The conversation has ${turns.length} turns: fork it at turn 1 to ${turns.length - 1}, so that there are messages to replay`,
    );
  }
  const prefix = turns.slice(0, request.turn);
  const later = turns.slice(request.turn);
  let prompts: ForkPrompts | undefined;
  let models: ForkModels | undefined;
  let harness: Harness | undefined;
  try {
    prompts = forkPrompts(request.promptsDir, request.prompts);
    models = await openForkModels(request.model, request.temperature, request.env ?? {});
    harness = await startHarness({ env: models.env, promptsDir: prompts.dir });
    const scratch = await seedScratch(harness, source, prefix);
    const prefixIds = prefix.map((t) => t.id);
    await copyTranscript(store, request.thread, harness.store, scratch.thread, prefixIds);
    await copyTurns(source.graph, request.thread, scratch.graph, scratch.thread, prefixIds);

    const driver = new ConversationDriver({
      ws: harness.ws,
      path: scratch.path,
      token: scratch.token,
      agent: source.agent,
      allEvents: true,
      isFinished: async () => false,
      timeoutMs: request.timeoutMs ?? 60_000,
    });
    try {
      await driver.open();
      for (const turn of later) {
        if (!driver.isOpen) break;
        await driver.say(turn.learner);
      }
    } finally {
      await driver.close();
    }
    const forked = await readConversation(scratch.graph, scratch.thread, harness.store.transcripts);
    const replayed = forked.turns.filter((t) => t.id !== "" && !prefixIds.includes(t.id));
    const exported = await exportCase(
      harness.store,
      scratch.exportSource,
      `fork-${source.agent}-turn-${request.turn}-${randomUUID().slice(0, 8)}`,
    );
    const changed = prompts.changed.length ? prompts.changed.join(", ") : "none";
    const evalCase = {
      ...exported,
      description: `Forked from ${request.thread} after turn ${request.turn}: model ${request.model}${request.temperature === undefined ? "" : ` at temperature ${request.temperature}`}, prompts changed: ${changed}.`,
      tags: ["fork"],
    };
    return {
      thread: request.thread,
      agent: source.agent,
      at_turn: request.turn,
      settings: {
        model: request.model,
        ...(request.temperature !== undefined && { temperature: request.temperature }),
        ...(request.promptsDir && { prompts_dir: request.promptsDir }),
        prompts_changed: prompts.changed,
      },
      scratch_thread: scratch.thread,
      turns: compareTurns(later, replayed, request.turn + 1),
      errors: driver.sink.entries.flatMap((e) =>
        isServerFrame(e) && e.frame.type === "error"
          ? [String(e.frame.message ?? e.frame.code ?? "error")]
          : [],
      ),
      eval_case: evalCase,
    };
  } finally {
    await harness?.stop();
    await models?.stop();
    prompts?.dispose();
  }
}
