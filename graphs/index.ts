export { buildAllyGraph, type AllyGraph, type AllyGraphOptions } from "./ally/index.js";
export {
  buildCommanderGraph,
  type CommanderGraph,
  type CommanderGraphOptions,
} from "./commander/index.js";
export {
  createModelFactory,
  type AgentName,
  type ModelFactory,
  type ModelSettings,
} from "./models/index.js";
