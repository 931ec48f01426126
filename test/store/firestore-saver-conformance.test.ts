import { randomUUID } from "node:crypto";
import {
  deltaChannelHistoryTests,
  validate,
  type CheckpointSaverTestInitializer,
} from "@langchain/langgraph-checkpoint-validation";
import type { Firestore } from "firebase-admin/firestore";
import { FirestoreSaver } from "../../store/firestore/index.js";
import type { FirebaseEmulators } from "../support/emulator-context.js";
import {
  clearFirestoreDatabase,
  emulatorFirestore,
  firestoreEmulator,
  uniqueDatabaseId,
} from "../support/emulators.js";
import { deltaChannelForkTests } from "./delta-history-forks.js";

let emulators: FirebaseEmulators;
let firestore: Firestore;
const databaseId = uniqueDatabaseId("conformance");

// LangGraph's conformance suite, in full, plus its opt-in suite for getDeltaChannelHistory and the
// sibling-fork cases that suite lacks. The name matches none of the suite's skip lists, so every
// test runs.
const initializer: CheckpointSaverTestInitializer<FirestoreSaver> = {
  checkpointerName: "learnforge FirestoreSaver",
  beforeAllTimeout: 100_000,
  async beforeAll() {
    emulators = await firestoreEmulator();
    firestore = emulatorFirestore(emulators, databaseId);
  },
  async afterAll() {
    await firestore.terminate();
    await clearFirestoreDatabase(emulators, databaseId);
  },
  // Each suite starts from an empty root collection of its own.
  createCheckpointer: () => new FirestoreSaver({ firestore, root: `threads-${randomUUID()}` }),
};

validate(initializer);
deltaChannelHistoryTests(initializer);
deltaChannelForkTests(initializer);
