import { allyThreadId, commanderThreadId, progressPercent } from "../../domain/index.js";
import type { EvalCase } from "./case-schema.js";
import type { Harness } from "./harness.js";
import type { StoredOutcome } from "./trace.js";

/** A case's conversation, set up in the store and ready to connect to. */
export interface SeededConversation {
  token: string;
  /** The socket's path and query, without credentials. */
  path: string;
  threadId: string;
  /** The mission's checkpoints (Ally). */
  checkpoints?: string[];
  /** Whether the store says the conversation is over (mission created, or mission completed). */
  isFinished(): Promise<boolean>;
  outcome(): Promise<StoredOutcome>;
}

const enrollmentOutcome = (e: {
  progress: number;
  completed_checkpoints: string[];
  completed: boolean;
}) => ({
  progress: e.progress,
  completed_checkpoints: e.completed_checkpoints,
  completed: e.completed,
});

/**
 * Puts the case's starting point into the store through its ports: the learner and their profile,
 * then a Commander session, or the mission with its enrollment at the case's position.
 */
export async function seedCase(harness: Harness, evalCase: EvalCase): Promise<SeededConversation> {
  const { learner } = evalCase.seed;
  const { store } = harness;
  const { token, uid } = harness.issuer.issue({
    email: `${evalCase.id}@evals.learnforge.local`,
    name: learner.name,
  });
  await store.users.ensure({ uid, name: learner.name });
  await store.users.update(uid, { name: learner.name, learning_style: learner.learning_style });

  if (evalCase.agent === "commander") {
    const session = await store.commanderSessions.create(uid);
    const query = new URLSearchParams({ session_id: session.id, ...evalCase.connection });
    return {
      token,
      path: `/api/v1/mission-commander/ws?${query}`,
      threadId: commanderThreadId(session.id),
      isFinished: async () =>
        (await store.commanderSessions.get(session.id))?.status === "completed",
      async outcome() {
        const latest = await store.commanderSessions.get(session.id);
        const missionId = latest?.mission_id;
        const mission = missionId ? await store.missions.get(missionId) : null;
        const enrollment = missionId ? await store.enrollments.get(uid, missionId) : null;
        return {
          session_status: latest?.status,
          ...(mission ? { mission: { ...mission } } : {}),
          ...(enrollment ? { enrollment: enrollmentOutcome(enrollment) } : {}),
        };
      },
    };
  }

  const { mission, position } = evalCase.seed;
  const created = await store.missions.createWithEnrollment({ draft: mission, creatorId: uid });
  const missionId = created.mission.id;
  const enrollmentId = created.enrollment.id;
  const checkpoints = mission.byte_size_checkpoints;
  const done = position.completed_checkpoints;
  if (done > 0) {
    await store.enrollments.recordProgress(uid, missionId, {
      completed_checkpoints: checkpoints.slice(0, done),
      progress: progressPercent(done, checkpoints.length),
      completed: done === checkpoints.length,
    });
  }
  const query = new URLSearchParams({ mission_id: missionId, ...evalCase.connection });
  return {
    token,
    path: `/api/v1/mission-ally/ws?${query}`,
    threadId: allyThreadId(enrollmentId),
    checkpoints,
    isFinished: async () =>
      (await store.allySessions.getForEnrollment(enrollmentId))?.status === "completed",
    async outcome() {
      const [enrollment, session] = await Promise.all([
        store.enrollments.get(uid, missionId),
        store.allySessions.getForEnrollment(enrollmentId),
      ]);
      return {
        session_status: session?.status,
        ...(enrollment ? { enrollment: enrollmentOutcome(enrollment) } : {}),
      };
    },
  };
}
