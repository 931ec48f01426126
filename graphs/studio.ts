// Entry points for `langgraph.json`: the compiled graphs on the offline scripted models and an
// in-memory store, so a graph server or viewer can load them with no configuration.
import { openSqliteStore } from "../store/index.js";
import { buildAllyGraph } from "./ally/index.js";
import { buildCommanderGraph } from "./commander/index.js";
import { createModelFactory } from "./models/index.js";

const store = openSqliteStore({ path: ":memory:" });
const models = createModelFactory({
  googleApiKey: process.env.GOOGLE_API_KEY,
  geminiBaseUrl: process.env.GEMINI_BASE_URL,
  defaultModel: process.env.GEMINI_MODEL ?? "gemini-2.5-flash",
  perAgentModel: {},
});

export const missionCommander = buildCommanderGraph({ models, missions: store.missions });
export const missionAlly = buildAllyGraph({
  models,
  enrollments: store.enrollments,
  allySessions: store.allySessions,
});
