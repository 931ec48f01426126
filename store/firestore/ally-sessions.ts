import type { AllySessionStore } from "../ports.js";
import type { AllySession, AllySessionStatus } from "../types.js";
import { documentIn, type Collections } from "./collections.js";
import { timestamp, toAllySession } from "./documents.js";

export function createFirestoreAllySessionStore(c: Collections): AllySessionStore {
  /** Moves the session to `status` unless `keep` says its current status stays. */
  const move = (id: string, status: AllySessionStatus, keep: (s: AllySession) => boolean) => {
    const ref = documentIn(c.allySessions, id);
    return c.firestore.runTransaction(async (tx): Promise<AllySession> => {
      const snapshot = ref && (await tx.get(ref));
      if (!ref || !snapshot?.exists) throw new Error(`Ally session ${id} not found`);
      const session = toAllySession(snapshot);
      if (keep(session)) return session;
      const now = new Date().toISOString();
      const stamp = status === "started" ? "started_at" : "completed_at";
      tx.update(ref, { status, [stamp]: timestamp(now), updated_at: timestamp(now) });
      return { ...session, status, [stamp]: now, updated_at: now };
    });
  };

  return {
    async getForEnrollment(enrollmentId) {
      const found = await c.allySessions.where("enrollment_id", "==", enrollmentId).limit(1).get();
      const snapshot = found.docs[0];
      return snapshot ? toAllySession(snapshot) : null;
    },
    markStarted: (id) => move(id, "started", (s) => s.status !== "created"),
    markCompleted: (id) => move(id, "completed", (s) => s.status === "completed"),
  };
}
