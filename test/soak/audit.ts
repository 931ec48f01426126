import { buildGraphs, createModelFactory } from "../../graphs/index.js";
import { allyThreadId } from "../../domain/index.js";
import type { Store } from "../../store/index.js";

export interface StoreAudit {
  /** Missions missing their enrollment, dashboard copy or Ally session, and completed sessions without their mission. */
  partialMissions: number;
  /** Missions beyond the one each learner's interview created. */
  duplicateMissions: number;
  /** Enrollments whose completed checkpoints differ from their conversation's state. */
  progressMismatches: number;
}

/** Checks what the learners left in the store, record by record. */
export async function auditStore(store: Store, uids: string[]): Promise<StoreAudit> {
  const models = createModelFactory({ defaultModel: "unused", perAgentModel: {} });
  const { ally } = buildGraphs(models, store);
  const audit: StoreAudit = { partialMissions: 0, duplicateMissions: 0, progressMismatches: 0 };
  for (const uid of uids) {
    const [sessions, dashboard] = await Promise.all([
      store.commanderSessions.listForUser(uid, 100),
      store.enrollments.listForUser(uid),
    ]);
    audit.duplicateMissions += Math.max(0, dashboard.length - 1);
    for (const session of sessions) {
      if (session.status !== "completed") continue;
      const mission = session.mission_id ? await store.missions.get(session.mission_id) : null;
      if (!mission || !dashboard.some((copy) => copy.mission_id === mission.id)) {
        audit.partialMissions += 1;
      }
    }
    for (const copy of dashboard) {
      const [mission, enrollment] = await Promise.all([
        store.missions.get(copy.mission_id),
        store.enrollments.get(uid, copy.mission_id),
      ]);
      const allySession = enrollment && (await store.allySessions.getForEnrollment(enrollment.id));
      if (!mission || !enrollment || !allySession) {
        audit.partialMissions += 1;
        continue;
      }
      const state = await ally.getState({
        configurable: { thread_id: allyThreadId(enrollment.id) },
      });
      const inThread = (state.values.completed_checkpoints ?? []) as string[];
      // A conversation catches up with recorded progress at its next turn; it is never ahead.
      const recorded = enrollment.completed_checkpoints;
      const agrees =
        inThread.length <= recorded.length && inThread.every((title, i) => recorded[i] === title);
      const finished = allySession.status === "completed";
      if (!agrees || (finished && inThread.length !== recorded.length)) {
        audit.progressMismatches += 1;
      }
    }
  }
  return audit;
}
