import { testStoreEnv } from "../support/test-store.js";
import { runSoak } from "./soak.js";

// The short crash suite on the Firestore emulator; `npm run soak` runs the long one.
it("loses, duplicates and strands nothing through 5 kills, a SIGTERM and saturation on Firestore", async () => {
  const store = await testStoreEnv();
  const result = await runSoak({
    name: "firestore",
    storeEnv: store.env,
    kills: 5,
    learners: 3,
    sigterms: 1,
    saturation: { learners: 10, seconds: 2 },
    // A kill inside one of the rare remaining transactions leaves a lock for about 70 s.
    finishWithinMs: 120_000,
  });
  expect(result).toMatchObject({
    lost: 0,
    duplicated: 0,
    partialMissions: 0,
    stuck: 0,
    progressMismatches: 0,
  });
  expect(result.messages).toBeGreaterThan(30);
}, 240_000);
