export { buildAllyGraph, type AllyGraph, type AllyGraphOptions } from "./ally/index.js";
export {
  buildCommanderGraph,
  type CommanderGraph,
  type CommanderGraphOptions,
} from "./commander/index.js";
export {
  USAGE_TALLY,
  UsageTally,
  busyNotice,
  createModelFactory,
  failureStatus,
  type ModelFactory,
  type ModelSettings,
  type TurnUsage,
} from "./models/index.js";
export {
  MERMAID_CHUNKS,
  drawGraph,
  readAsset,
  readConversation,
  readCurrentState,
  readOpening,
  renderErrorPage,
  renderGraphPage,
  renderIndexPage,
  type Asset,
  type Conversation,
  type ConversationGraph,
  type ConversationLink,
  type DrawableGraph,
  type DrawnGraph,
  type PageAssets,
  type PageConversation,
  type SignInSettings,
  type StateValues,
  type Turn,
} from "./draw/index.js";
export { buildGraphs } from "./build-graphs.js";
export { nodeAgents } from "./node-agents.js";
