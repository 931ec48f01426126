import { runSoak } from "./soak.js";

// The short crash suite on the embedded store; `npm run soak` runs the long one on both stores.
it("loses, duplicates and strands nothing through 5 kills, a SIGTERM and saturation on SQLite", async () => {
  const result = await runSoak({
    name: "sqlite",
    storeEnv: {},
    kills: 5,
    learners: 3,
    sigterms: 1,
    saturation: { learners: 10, seconds: 2 },
    finishWithinMs: 60_000,
  });
  expect(result).toMatchObject({
    lost: 0,
    duplicated: 0,
    partialMissions: 0,
    stuck: 0,
    progressMismatches: 0,
  });
  // The kills landed in real conversations.
  expect(result.messages).toBeGreaterThan(30);
}, 180_000);
