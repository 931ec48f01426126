import { systemClock, type Clock } from "../../domain/index.js";
import type { Store } from "../ports.js";
import { createFirestoreAllySessionStore } from "./ally-sessions.js";
import {
  DEFAULT_TRANSACTION_LIMITS,
  boundedTransactions,
  type TransactionLimits,
} from "./bounded-transaction.js";
import { CallGate } from "./call-gate.js";
import { collections } from "./collections.js";
import { createFirestoreCommanderSessionStore } from "./commander-sessions.js";
import { createFirestoreEnrollmentStore } from "./enrollments.js";
import { connectFirestore, type FirestoreConnection } from "./firestore-client.js";
import { FirestoreSaver } from "./firestore-saver.js";
import { createFirestoreLeaseStore } from "./leases.js";
import { createFirestoreMissionStore } from "./missions.js";
import { createFirestoreTranscriptStore } from "./transcripts.js";
import { createFirestoreUserStore } from "./users.js";

export interface FirestoreStoreOptions {
  /** How long a store call may take before it fails; Firestore answers in milliseconds when up. */
  timeoutMs?: number;
  /** Each transaction's attempt deadline and total budget; keep the budget under `timeoutMs`. */
  transactions?: TransactionLimits;
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
  const transaction = boundedTransactions(
    firestore,
    options.transactions ?? DEFAULT_TRANSACTION_LIMITS,
  );
  const c = collections(firestore, transaction);
  const gate = new CallGate(options.timeoutMs ?? 10_000);
  const clock = options.clock ?? systemClock;
  const leases = createFirestoreLeaseStore(firestore, clock);
  return {
    users: gate.guard(createFirestoreUserStore(c, clock)),
    missions: gate.guard(createFirestoreMissionStore(c, clock)),
    enrollments: gate.guard(createFirestoreEnrollmentStore(c, clock)),
    commanderSessions: gate.guard(createFirestoreCommanderSessionStore(c, clock)),
    allySessions: gate.guard(createFirestoreAllySessionStore(c, clock)),
    transcripts: gate.guard(createFirestoreTranscriptStore(c, clock)),
    leases: gate.guard(leases),
    checkpointer: gate.guard(new FirestoreSaver({ firestore, transaction })),
    close: () =>
      gate.close(
        () => leases.stop(),
        async () => {
          await transaction.settled();
          await firestore.terminate();
        },
      ),
  };
}
