import { z } from "zod";
import { EnrollmentSchema, MissionSchema } from "../../domain/index.js";

// Every frame on both sockets, defined once. Client schemas validate input; server schemas type
// output and are published as JSON Schema for client authors.

const text = z.string();

export const Ping = z.object({ type: z.literal("ping") });
export const Pong = z.object({ type: z.literal("pong") });
export const ErrorFrame = z.object({
  type: z.literal("error"),
  message: text,
  /** Set on messages the server did not process; the client may send them again. */
  code: z.enum(["queue_full", "rate_limited", "busy", "not_processed"]).optional(),
  /** How long to wait before sending the message again. */
  retry_after_ms: z.number().int().nonnegative().optional(),
});
export const Connected = z.object({ type: z.literal("connected"), message: text });
export const ProcessingStart = z.object({ type: z.literal("agent_processing_start") });
export const ProcessingEnd = z.object({ type: z.literal("agent_processing_end") });
export const AgentMessageDelta = z.object({
  type: z.literal("agent_message_delta"),
  id: text,
  delta: text,
});
export const AgentHandover = z.object({
  type: z.literal("agent_handover"),
  agent: text,
  message: text,
});

// ---- Mission Commander ----

/** Seed 001 carries the text in `content`; `message` is accepted too. */
export const CommanderUserMessage = z.object({
  type: z.literal("user_message"),
  content: text.optional(),
  message: text.optional(),
});
export const CommanderClientFrame = z.discriminatedUnion("type", [CommanderUserMessage, Ping]);

export const CommanderAgentMessage = z.object({
  type: z.literal("agent_message"),
  id: text,
  content: text,
  message: text,
});
export const CommanderHistoryItem = z.object({
  type: z.enum(["user_message", "agent_message"]),
  content: text,
  message: text,
});
export const CommanderHistoricalMessages = z.object({
  type: z.literal("historical_messages"),
  messages: z.array(CommanderHistoryItem),
});

export const MissionCreatedFrame = z.object({
  type: z.literal("mission_created"),
  message: text,
  mission: MissionSchema,
  enrollment: EnrollmentSchema,
});

export const CommanderServerFrame = z.discriminatedUnion("type", [
  Connected,
  CommanderHistoricalMessages,
  CommanderAgentMessage,
  AgentMessageDelta,
  AgentHandover,
  ProcessingStart,
  ProcessingEnd,
  MissionCreatedFrame,
  ErrorFrame,
  Pong,
]);

// ---- Mission Ally ----

export const AllyUserMessage = z.object({
  type: z.literal("user_message"),
  message: text.optional(),
  content: text.optional(),
});
export const AllyClientFrame = z.discriminatedUnion("type", [AllyUserMessage, Ping]);

export const AllyAgentMessage = z.object({
  type: z.literal("agent_message"),
  id: text,
  agent: text,
  message: text,
});
export const AllyHistoryItem = z.object({
  type: z.enum(["user_message", "agent_message"]),
  message: text,
});
export const AllyHistoricalMessages = z.object({
  type: z.literal("historical_messages"),
  messages: z.array(AllyHistoryItem),
});
export const CheckpointUpdate = z.object({
  type: z.literal("checkpoint_update"),
  completed_checkpoints: z.array(text),
  progress: z.number().min(0).max(100),
});
export const SessionClosed = z.object({ type: z.literal("session_closed"), message: text });

export const AllyServerFrame = z.discriminatedUnion("type", [
  Connected,
  AllyHistoricalMessages,
  ProcessingStart,
  AllyAgentMessage,
  AgentMessageDelta,
  ProcessingEnd,
  AgentHandover,
  CheckpointUpdate,
  SessionClosed,
  Pong,
  ErrorFrame,
]);

export type CommanderClientFrame = z.infer<typeof CommanderClientFrame>;
export type CommanderServerFrame = z.infer<typeof CommanderServerFrame>;
export type AllyClientFrame = z.infer<typeof AllyClientFrame>;
export type AllyServerFrame = z.infer<typeof AllyServerFrame>;
