import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";
import { itRefusesAHolderThatMissedTheTakeover } from "./fenced-writes.js";
import { describeMultiInstance } from "./suite.js";

const sharedFile = async () => ({
  SQLITE_PATH: join(mkdtempSync(join(tmpdir(), "learnforge-shared-sqlite-")), "shared.sqlite"),
});

// Server processes sharing one SQLite file: the lease works across processes on one file too.
describeMultiInstance("one SQLite file", {
  storeEnv: sharedFile,
  races: 20,
});

describe("The lease's fence on one SQLite file", () => {
  itRefusesAHolderThatMissedTheTakeover(sharedFile);
});
