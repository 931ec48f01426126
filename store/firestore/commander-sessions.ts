import { FieldPath, type DocumentSnapshot } from "firebase-admin/firestore";
import {
  CommanderSessionSchema,
  isoNow,
  newCommanderSession,
  withCommanderStatus,
  type Clock,
  type CommanderSession,
} from "../../domain/index.js";
import type { CommanderSessionStore } from "../ports.js";
import { documentIn, type Collections } from "./collections.js";
import { changedFields, fromDocument, toDocument } from "./documents.js";

export function createFirestoreCommanderSessionStore(
  c: Collections,
  clock: Clock,
): CommanderSessionStore {
  const read = (snapshot: DocumentSnapshot): CommanderSession =>
    fromDocument(CommanderSessionSchema, snapshot);

  return {
    async create(userId) {
      const ref = c.commanderSessions.doc();
      const session = newCommanderSession(ref.id, userId, isoNow(clock));
      await ref.create(toDocument(CommanderSessionSchema, session));
      return session;
    },
    async get(id) {
      const snapshot = await documentIn(c.commanderSessions, id)?.get();
      return snapshot?.exists ? read(snapshot) : null;
    },
    async listForUser(userId, limit) {
      const found = await c.commanderSessions
        .where("user_id", "==", userId)
        .orderBy("updated_at", "desc")
        .orderBy("created_at", "desc")
        .orderBy(FieldPath.documentId())
        .limit(limit)
        .get();
      return found.docs.map(read);
    },
    async setStatus(id, status) {
      const ref = documentIn(c.commanderSessions, id);
      await c.transaction(async (tx) => {
        const snapshot = ref && (await tx.get(ref));
        if (!ref || !snapshot?.exists) throw new Error(`Commander session ${id} not found`);
        const session = read(snapshot);
        const next = withCommanderStatus(session, status, isoNow(clock));
        const changes = toDocument(CommanderSessionSchema, changedFields(session, next));
        if (Object.keys(changes).length > 0) tx.update(ref, changes);
      });
    },
  };
}
