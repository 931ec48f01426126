import { FieldPath } from "firebase-admin/firestore";
import type { CommanderSessionStore } from "../ports.js";
import type { CommanderSession } from "../types.js";
import { documentIn, type Collections } from "./collections.js";
import { timestamp, toCommanderSession } from "./documents.js";

export function createFirestoreCommanderSessionStore(c: Collections): CommanderSessionStore {
  return {
    async create(userId) {
      const ref = c.commanderSessions.doc();
      const now = new Date().toISOString();
      const at = timestamp(now);
      await ref.create({
        user_id: userId,
        status: "active",
        mission_id: null,
        created_at: at,
        updated_at: at,
        completed_at: null,
      });
      const session: CommanderSession = {
        id: ref.id,
        user_id: userId,
        status: "active",
        mission_id: null,
        created_at: now,
        updated_at: now,
        completed_at: null,
      };
      return session;
    },
    async get(id) {
      const snapshot = await documentIn(c.commanderSessions, id)?.get();
      return snapshot?.exists ? toCommanderSession(snapshot) : null;
    },
    async listForUser(userId, limit) {
      const found = await c.commanderSessions
        .where("user_id", "==", userId)
        .orderBy("updated_at", "desc")
        .orderBy("created_at", "desc")
        .orderBy(FieldPath.documentId())
        .limit(limit)
        .get();
      return found.docs.map(toCommanderSession);
    },
    async setStatus(id, status) {
      const ref = documentIn(c.commanderSessions, id);
      await c.firestore.runTransaction(async (tx) => {
        const snapshot = ref && (await tx.get(ref));
        if (!ref || !snapshot?.exists) throw new Error(`Commander session ${id} not found`);
        const at = timestamp(new Date().toISOString());
        // The first completion time is kept when a completed session is completed again.
        const completedAt =
          status === "completed" ? (snapshot.get("completed_at") ?? at) : undefined;
        tx.update(ref, {
          status,
          ...(completedAt !== undefined ? { completed_at: completedAt } : {}),
          updated_at: at,
        });
      });
    },
  };
}
