import { buildServer, loadConfig } from "../../server/index.js";
import { MODEL_CALL_STARTED, slowScriptedModels } from "../support/slow-models.js";

// The server as `npm start` runs it, configured from the environment, but with every model call
// slowed to MODEL_DELAY_MS ("min-max", 150-450 by default), so that a kill lands inside turns.
// With REPORT_MODEL_CALLS=1 it writes a line as each model call starts, for a test to act on.
const [min = 150, max = 450] = (process.env.MODEL_DELAY_MS ?? "150-450").split("-").map(Number);
const reportCall =
  process.env.REPORT_MODEL_CALLS === "1"
    ? () => process.stderr.write(`${MODEL_CALL_STARTED}\n`)
    : undefined;
const server = await buildServer(loadConfig(), {
  models: slowScriptedModels(min, max, reportCall),
});
let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  server.shutdown().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
