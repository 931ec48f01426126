// The wire contract, re-exported from the server's protocol schemas: the client never restates it.
export {
  AgentHandover,
  AgentMessageDelta,
  AllyAgentMessage,
  AllyHistoricalMessages,
  AllyServerFrame,
  CheckpointUpdate,
  CommanderAgentMessage,
  CommanderHistoricalMessages,
  CommanderServerFrame,
  Connected,
  EnrollmentRecord,
  ErrorFrame,
  MissionCreatedFrame,
  MissionRecord,
  SessionClosed,
} from "../server/protocol/index.js";
export type {
  AllyClientFrame,
  AllyServerFrame as AllyServerFrameType,
  CommanderClientFrame,
  CommanderServerFrame as CommanderServerFrameType,
} from "../server/protocol/index.js";
