import { buildServer, loadConfig } from "../../server/index.js";
import { slowScriptedModels } from "../support/slow-models.js";

// The server as `npm start` runs it, configured from the environment, but with every model call
// slowed to MODEL_DELAY_MS ("min-max", 150-450 by default), so that a kill lands inside turns.
const [min = 150, max = 450] = (process.env.MODEL_DELAY_MS ?? "150-450").split("-").map(Number);
const server = await buildServer(loadConfig(), { models: slowScriptedModels(min, max) });
let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  server.shutdown().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
