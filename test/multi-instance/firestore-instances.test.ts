import { testStoreEnv } from "../support/test-store.js";
import { describeMultiInstance } from "./suite.js";

// Two and three server processes on one Firestore emulator database (a new one per run).
describeMultiInstance("Firestore", {
  storeEnv: async () => (await testStoreEnv()).env,
  races: 20,
});
