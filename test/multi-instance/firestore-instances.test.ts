import { testStoreEnv } from "../support/test-store.js";
import { describe } from "vitest";
import { itRefusesAHolderThatMissedTheTakeover } from "./fenced-writes.js";
import { describeMultiInstance } from "./suite.js";

// Two and three server processes on one Firestore emulator database (a new one per run).
describeMultiInstance("Firestore", {
  storeEnv: async () => (await testStoreEnv()).env,
  races: 20,
});

describe("The lease's fence on Firestore", () => {
  itRefusesAHolderThatMissedTheTakeover(async () => (await testStoreEnv()).env);
});
