import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeMultiInstance } from "./suite.js";

// Server processes sharing one SQLite file: the lease works across processes on one file too.
describeMultiInstance("one SQLite file", {
  storeEnv: async () => ({
    SQLITE_PATH: join(mkdtempSync(join(tmpdir(), "learnforge-shared-sqlite-")), "shared.sqlite"),
  }),
  races: 20,
});
