export { MERMAID_CHUNKS, readAsset, type Asset, type PageAssets } from "./assets.js";
export {
  readConversation,
  readCurrentState,
  readOpening,
  readThreadMessages,
  type Conversation,
  type ConversationGraph,
  type StateValues,
  type Turn,
} from "./conversation.js";
export { drawGraph, type DrawableGraph, type DrawnGraph } from "./drawn-graph.js";
export { renderErrorPage } from "./error-page.js";
export { renderGraphPage, type PageConversation } from "./graph-page.js";
export { renderIndexPage, type ConversationLink } from "./index-page.js";
export { toMermaid } from "./mermaid.js";
export { overlayPath } from "./path-overlay.js";
export type { SignInSettings } from "./sign-in.js";
