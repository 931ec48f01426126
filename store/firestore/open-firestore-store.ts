import type { Store } from "../ports.js";
import { createFirestoreAllySessionStore } from "./ally-sessions.js";
import { CallGate } from "./call-gate.js";
import { collections } from "./collections.js";
import { createFirestoreCommanderSessionStore } from "./commander-sessions.js";
import { createFirestoreEnrollmentStore } from "./enrollments.js";
import { connectFirestore, type FirestoreConnection } from "./firestore-client.js";
import { FirestoreSaver } from "./firestore-saver.js";
import { createFirestoreMissionStore } from "./missions.js";
import { createFirestoreUserStore } from "./users.js";

export interface FirestoreStoreOptions {
  /** How long a store call may take before it fails; Firestore answers in milliseconds when up. */
  timeoutMs?: number;
}

/**
 * The production store: the domain collections and the LangGraph checkpoints (under their own
 * root collection) in one Firestore database.
 */
export function openFirestoreStore(
  connection: FirestoreConnection,
  options: FirestoreStoreOptions = {},
): Store {
  const firestore = connectFirestore(connection);
  const c = collections(firestore);
  const gate = new CallGate(options.timeoutMs ?? 10_000);
  return {
    users: gate.guard(createFirestoreUserStore(c)),
    missions: gate.guard(createFirestoreMissionStore(c)),
    enrollments: gate.guard(createFirestoreEnrollmentStore(c)),
    commanderSessions: gate.guard(createFirestoreCommanderSessionStore(c)),
    allySessions: gate.guard(createFirestoreAllySessionStore(c)),
    checkpointer: gate.guard(new FirestoreSaver({ firestore })),
    close: () => gate.close(() => firestore.terminate()),
  };
}
