import { allyThreadId, commanderThreadId } from "../../domain/index.js";
import { readTranscript, type Store } from "../../store/index.js";

/**
 * Everything the store holds of one learner's Commander session and Ally enrollment, serialised:
 * the user, the session, the mission, the enrollment and its Ally session, and each thread's
 * checkpoints (with their pending writes) and transcript log. Two equal strings: nothing changed.
 */
export async function learnerData(
  store: Store,
  ids: { uid: string; sessionId: string; missionId: string },
): Promise<string> {
  const enrollment = await store.enrollments.get(ids.uid, ids.missionId);
  const threads = [commanderThreadId(ids.sessionId), allyThreadId(enrollment!.id)];
  const checkpoints = await Promise.all(
    threads.map(async (thread) => {
      const tuples = [];
      for await (const tuple of store.checkpointer.list({ configurable: { thread_id: thread } })) {
        tuples.push(tuple);
      }
      return tuples;
    }),
  );
  return JSON.stringify({
    user: await store.users.get(ids.uid),
    session: await store.commanderSessions.get(ids.sessionId),
    mission: await store.missions.get(ids.missionId),
    enrollment,
    allySession: await store.allySessions.getForEnrollment(enrollment!.id),
    checkpoints,
    transcripts: await Promise.all(threads.map((t) => readTranscript(store.transcripts, t))),
  });
}
