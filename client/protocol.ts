// The wire contract, re-exported from the server's protocol schemas: the client never restates it.
export {
  AllyAgentMessage,
  AllyServerFrame,
  CheckpointUpdate,
  CommanderAgentMessage,
  CommanderServerFrame,
  ErrorFrame,
  MissionCreatedFrame,
  SessionClosed,
} from "../server/protocol/index.js";
export type { Enrollment, Mission } from "../domain/index.js";
