import {
  buildGraphs,
  createModelFactory,
  readConversation,
  type AllyGraph,
  type CommanderGraph,
} from "../../graphs/index.js";
import type { Store } from "../../store/index.js";
import {
  MissionDraftSchema,
  TOOLS,
  allyThreadId,
  commanderThreadId,
  parseEnrollmentId,
  progressPercent,
} from "../../domain/index.js";
import { EvalCase } from "../runner/case-schema.js";
import {
  drawingOf,
  turnRecords,
  type ReadableGraph,
  type TurnRecord,
} from "../runner/read-turns.js";

export class ExportError extends Error {
  override name = "ExportError";
}

/** Which stored conversation to export. */
export type ExportSource = { session: string } | { enrollment: string };

type CaseJson = Record<string, unknown> & { id: string };

/** The stored graphs, read only: the scripted models they are built with are never called. */
export function storedGraphs(store: Store): { commander: CommanderGraph; ally: AllyGraph } {
  const models = createModelFactory({ defaultModel: "unused", perAgentModel: {} });
  return buildGraphs(models, store);
}

async function readThread(store: Store, graph: ReadableGraph, threadId: string) {
  const [drawing, conversation] = await Promise.all([
    drawingOf(graph),
    readConversation(graph, threadId, store.transcripts),
  ]);
  const turns = conversation.turns.filter((t) => t.id !== "");
  if (turns.length === 0) throw new ExportError(`${threadId} has no learner turns to export`);
  const records = turnRecords(drawing, { ...conversation, turns });
  const values = ((await graph.getState({ configurable: { thread_id: threadId } })).values ??
    {}) as Record<string, unknown>;
  return { turns: turns.map((t) => ({ user: t.learner })), records, values };
}

const stepsOf = (records: TurnRecord[]) =>
  records.flatMap((r) => r.trajectory.map((item) => `${item.kind}:${item.name}`));

const isCompletion = (item: TurnRecord["trajectory"][number]) =>
  item.kind === "tool" &&
  item.name === TOOLS.markCheckpointComplete &&
  !item.result?.startsWith("Refused");

async function commanderCase(store: Store, sessionId: string): Promise<CaseJson> {
  const session = await store.commanderSessions.get(sessionId);
  if (!session) throw new ExportError(`There is no Commander session ${sessionId} in this store`);
  const user = await store.users.get(session.user_id);
  const { turns, records, values } = await readThread(
    store,
    storedGraphs(store).commander,
    commanderThreadId(session.id),
  );
  return {
    id: `exported-commander-${session.id.slice(0, 8)}`,
    agent: "commander",
    description: `Exported from Commander session ${session.id} (${session.status}).`,
    tags: ["exported"],
    seed: {
      learner: { name: user?.name ?? "Learner", learning_style: user?.learning_style ?? [] },
    },
    // Handovers are only announced on the socket with events=all.
    connection: { events: "all" },
    turns,
    expect: {
      trajectory: { match: "strict", steps: stepsOf(records) },
      state: {
        mission_valid: session.status === "completed" && session.mission_id !== null,
        values: { phase: values.phase ?? null },
      },
      forbidden: [{ frame: "error" }],
    },
  };
}

async function allyCase(store: Store, enrollmentId: string): Promise<CaseJson> {
  const ids = parseEnrollmentId(enrollmentId);
  if (!ids)
    throw new ExportError(
      `An enrollment id looks like <user id>_<mission id>, not ${enrollmentId}`,
    );
  const { userId, missionId } = ids;
  const [enrollment, mission, user] = await Promise.all([
    store.enrollments.get(userId, missionId),
    store.missions.get(missionId),
    store.users.get(userId),
  ]);
  if (!enrollment || !mission)
    throw new ExportError(`There is no enrollment ${enrollmentId} in this store`);
  const session = await store.allySessions.getForEnrollment(enrollment.id);
  const { turns, records, values } = await readThread(
    store,
    storedGraphs(store).ally,
    allyThreadId(enrollment.id),
  );
  const total = mission.byte_size_checkpoints.length;
  const completions = records.flatMap((r) => r.trajectory).filter(isCompletion).length;
  const completed = enrollment.completed_checkpoints.length;
  // What was complete before the conversation began: the seed position.
  const position = Math.max(0, completed - completions);
  return {
    id: `exported-ally-${mission.id.slice(0, 8)}`,
    agent: "ally",
    description: `Exported from the Ally enrollment ${enrollment.id} (${completed} of ${total} checkpoints complete).`,
    tags: ["exported"],
    seed: {
      learner: { name: user?.name ?? "Learner", learning_style: user?.learning_style ?? [] },
      mission: MissionDraftSchema.parse(mission),
      position: { completed_checkpoints: position },
    },
    turns,
    expect: {
      trajectory: { match: "strict", steps: stepsOf(records) },
      state: {
        checkpoints_in_order: true,
        progress: Array.from({ length: completions }, (_, i) =>
          progressPercent(position + i + 1, total),
        ),
        completed_checkpoints: completed,
        session_closed: session?.status === "completed",
        values: { phase: values.phase ?? null },
      },
      forbidden: [{ frame: "error" }],
    },
  };
}

/**
 * A stored conversation as an eval case: the learner's turns, the seed it started from, and what
 * happened (handovers, tool calls, progress, the outcome) as its expectations. Reconnects are not
 * stored, so an exported case plays the conversation on one socket.
 */
export async function exportCase(
  store: Store,
  source: ExportSource,
  id?: string,
): Promise<CaseJson> {
  const exported =
    "session" in source
      ? await commanderCase(store, source.session)
      : await allyCase(store, source.enrollment);
  const json = { ...exported, id: id ?? exported.id };
  const checked = EvalCase.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new ExportError(
      `The exported case is not valid (${issue?.path.join(".")}: ${issue?.message})`,
    );
  }
  return json;
}
