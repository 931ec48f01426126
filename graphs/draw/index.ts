export { readAsset, isAssetName, type PageAssets } from "./assets.js";
export { readConversation, type Conversation, type ConversationGraph } from "./conversation.js";
export { drawGraph, type DrawableGraph, type DrawnGraph } from "./drawn-graph.js";
export { renderErrorPage } from "./error-page.js";
export { renderGraphPage } from "./graph-page.js";
export { renderIndexPage, type ConversationLink } from "./index-page.js";
export { toMermaid } from "./mermaid.js";
export { overlayPath } from "./path-overlay.js";
