import { expectShortSoakHolds } from "./soak.js";

// The short crash suite on the embedded store; `npm run soak` runs the long one on both stores.
it("loses, duplicates and strands nothing through 5 kills, a SIGTERM and saturation on SQLite", async () => {
  await expectShortSoakHolds("sqlite", {}, 60_000);
}, 180_000);
