import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  freePorts,
  killGroup,
  startFirestoreEmulator,
  stopGroup,
  untilAnswering,
} from "../support/emulator-processes.js";
import { runSoak, type SoakResult } from "./soak.js";
import { soakTable } from "./table.js";

const USAGE = `Usage: npm run soak -- [--kills 50] [--learners 4] [--sigterms 5]
                      [--saturation 200] [--seconds 15] [--stores sqlite,firestore]

Kills the server (SIGKILL) at random points in learners' turns, with every model call slowed to
150-450 ms, then stops it with SIGTERM mid-turn, lets every learner finish, audits the store, and
saturates a fresh server while timing an idle socket's pings. On Firestore (its emulator, started
here: Java and the emulator jar, as for npm test) it also leaves a lock from a process killed inside
a transaction. Prints one row per store.`;

const { values } = parseArgs({
  options: {
    kills: { type: "string", default: "50" },
    learners: { type: "string", default: "4" },
    sigterms: { type: "string", default: "5" },
    saturation: { type: "string", default: "200" },
    seconds: { type: "string", default: "15" },
    stores: { type: "string", default: "sqlite,firestore" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const common = {
  kills: Number(values.kills),
  learners: Number(values.learners),
  sigterms: Number(values.sigterms),
  saturation: { learners: Number(values.saturation), seconds: Number(values.seconds) },
  log: (line: string) => process.stderr.write(`${line}\n`),
};
const results: SoakResult[] = [];
const stores = values.stores.split(",");

if (stores.includes("sqlite")) {
  results.push(await runSoak({ ...common, name: "sqlite", storeEnv: {}, finishWithinMs: 120_000 }));
}
if (stores.includes("firestore")) {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "learnforge-soak-emulator-"));
  const [port] = await freePorts(1);
  const projectId = `demo-learnforge-soak-${randomBytes(4).toString("hex")}`;
  const emulator = startFirestoreEmulator(logDir, projectId, port!);
  const kill = () => killGroup(emulator, "SIGKILL");
  process.once("exit", kill);
  try {
    const host = `127.0.0.1:${port}`;
    await untilAnswering("firestore", host, logDir);
    const storeEnv = {
      STORE: "firestore",
      AUTH: "local",
      GOOGLE_CLOUD_PROJECT: projectId,
      FIRESTORE_DATABASE_ID: "soak",
      FIRESTORE_EMULATOR_HOST: host,
    };
    // Stale locks last about 70 s on the emulator; the learners wait them out.
    results.push(
      await runSoak({
        ...common,
        name: "firestore",
        storeEnv,
        staleLock: true,
        finishWithinMs: 300_000,
      }),
    );
  } finally {
    process.off("exit", kill);
    await stopGroup(emulator);
    fs.rmSync(logDir, { recursive: true, force: true });
  }
}

for (const learner of results.flatMap((r) => r.stuckLearners)) common.log(`stuck: ${learner}`);
process.stdout.write(`${soakTable(results)}\n`);
