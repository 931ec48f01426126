export { Cassette, CassetteError, Interaction, readCassette, writeCassette } from "./cassette.js";
export type { Miss } from "./miss.js";
export { NormalisedRequest, normaliseRequest, requestKey } from "./normalise.js";
export { startScriptedGemini, type ScriptedGeminiCall } from "./scripted-gemini.js";
export {
  startGeminiReplay,
  type GeminiReplay,
  type GeminiReplayOptions,
  type Served,
  type Upstream,
} from "./server.js";
export { parseSse } from "./stream.js";
