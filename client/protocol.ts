// The wire contract, re-exported from the server's protocol schemas: the client never restates it.
export {
  AllyAgentMessage,
  AllyServerFrame,
  CheckpointUpdate,
  CommanderAgentMessage,
  CommanderServerFrame,
  EnrollmentRecord,
  ErrorFrame,
  MissionCreatedFrame,
  MissionRecord,
  SessionClosed,
} from "../server/protocol/index.js";
