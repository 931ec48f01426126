import { systemClock, type Clock } from "../../domain/index.js";
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
  /** Where the records' times come from; the system clock by default. */
  clock?: Clock;
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
  const clock = options.clock ?? systemClock;
  return {
    users: gate.guard(createFirestoreUserStore(c, clock)),
    missions: gate.guard(createFirestoreMissionStore(c, clock)),
    enrollments: gate.guard(createFirestoreEnrollmentStore(c, clock)),
    commanderSessions: gate.guard(createFirestoreCommanderSessionStore(c, clock)),
    allySessions: gate.guard(createFirestoreAllySessionStore(c, clock)),
    checkpointer: gate.guard(new FirestoreSaver({ firestore })),
    close: () => gate.close(() => firestore.terminate()),
  };
}
