// Entry points for `langgraph.json`, so that LangGraph Studio's dev server (`langgraph-cli dev`)
// runs the graphs as the server does: on the offline scripted models (or Gemini with
// GOOGLE_API_KEY), over a real store, a SQLite file in a temporary folder removed at exit, with a
// demo learner enrolled in a demo mission. A run's context names the learner and the session or
// mission, with the demo ones by default; the rest is read from the store, turn by turn.
import { join } from "node:path";
import { openSqliteStore } from "../store/index.js";
import { buildGraphs } from "./build-graphs.js";
import { createModelFactory } from "./models/index.js";
import { allyContext, commanderContext, studioContextSchemas } from "./studio/context.js";
import { seedDemo } from "./studio/demo.js";
import { studioHttp as schemasApp } from "./studio/http.js";
import { resolvingContext } from "./studio/resolving-context.js";
import { scratchFolder } from "./studio/scratch-folder.js";

const store = openSqliteStore({ path: join(scratchFolder(), "studio.sqlite") });
const demo = await seedDemo(store);
const contexts = studioContextSchemas(demo);

const models = createModelFactory({
  googleApiKey: process.env.GOOGLE_API_KEY,
  geminiBaseUrl: process.env.GEMINI_BASE_URL,
  defaultModel: process.env.GEMINI_MODEL ?? "gemini-2.5-flash",
  perAgentModel: {},
});
// The dev server swaps in its own checkpointer; the store's is the graphs' own everywhere else.
const graphs = buildGraphs(models, store);

export const missionCommander = resolvingContext(
  graphs.commander,
  commanderContext(store, contexts),
);
export const missionAlly = resolvingContext(graphs.ally, allyContext(store, contexts));
export const studioHttp = schemasApp(contexts);
