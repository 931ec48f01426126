import { testStoreEnv } from "../support/test-store.js";
import { expectShortSoakHolds } from "./soak.js";

// The short crash suite on the Firestore emulator; `npm run soak` runs the long one. A kill inside
// one of the few remaining transactions leaves a lock for about 70 s, which the learners wait out.
it("loses, duplicates and strands nothing through 5 kills, a SIGTERM and saturation on Firestore", async () => {
  await expectShortSoakHolds("firestore", (await testStoreEnv()).env, 120_000);
}, 240_000);
