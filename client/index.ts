export {
  AllyClient,
  type AllyFrame,
  type AllyOptions,
  type AllyTurn,
  type Progress,
} from "./ally-client.js";
export { backoffDelay, type BackoffOptions } from "./backoff.js";
export { describeClose, type CloseInfo, type CloseKind } from "./close-codes.js";
export {
  Connection,
  type ConnectionEvents,
  type ConnectionOptions,
  type IncomingFrame,
  type RawSend,
  type SocketClose,
} from "./connection.js";
export {
  CommanderClient,
  type CommanderFrame,
  type CommanderOptions,
  type CommanderReply,
  type CommanderTurn,
  type Enrollment,
  type Mission,
} from "./commander-client.js";
export type {
  Auth,
  ClientEvents,
  ClientOptions,
  ConnectionState,
  LifecycleEvents,
} from "./conversation-client.js";
export { ClientClosedError, ConnectionLostError } from "./errors.js";
export type { ChatMessage, MessageStatus } from "./transcript.js";
export type { OutgoingData, WebSocketConstructor, WebSocketLike } from "./web-socket.js";
