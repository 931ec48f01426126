import {
  AllySessionSchema,
  isoNow,
  withAllyStatus,
  type AllySession,
  type Clock,
} from "../../domain/index.js";
import type { AllySessionStore } from "../ports.js";
import { documentIn, type Collections } from "./collections.js";
import { changedFields, fromDocument, toDocument } from "./documents.js";

export function createFirestoreAllySessionStore(c: Collections, clock: Clock): AllySessionStore {
  const move = (id: string, status: "started" | "completed") => {
    const ref = documentIn(c.allySessions, id);
    return c.transaction(async (tx): Promise<AllySession> => {
      const snapshot = ref && (await tx.get(ref));
      if (!ref || !snapshot?.exists) throw new Error(`Ally session ${id} not found`);
      const session = fromDocument(AllySessionSchema, snapshot);
      const moved = withAllyStatus(session, status, isoNow(clock));
      if (moved !== session) {
        tx.update(ref, toDocument(AllySessionSchema, changedFields(session, moved)));
      }
      return moved;
    });
  };

  return {
    async getForEnrollment(enrollmentId) {
      const found = await c.allySessions.where("enrollment_id", "==", enrollmentId).limit(1).get();
      const snapshot = found.docs[0];
      return snapshot ? fromDocument(AllySessionSchema, snapshot) : null;
    },
    markStarted: (id) => move(id, "started"),
    markCompleted: (id) => move(id, "completed"),
  };
}
