import { AGENTS } from "../../domain/index.js";
import { AllyServerFrame, CommanderServerFrame } from "../../server/protocol/index.js";
import type { Frame, LogEntry } from "../runner/frame-log.js";
import type { CaseTrace } from "../runner/trace.js";
import { verdict, type CheckResult } from "./check.js";

export interface ProtocolOptions {
  agent: "commander" | "ally";
  /** Commander `?events=all`: processing markers and handovers, like the Ally. */
  allEvents: boolean;
  /** `?stream=tokens` */
  tokens: boolean;
}

type Scored = Pick<CaseTrace, "frames" | "steps">;

/** A learner message and the server frames up to the next one (pongs left out). */
interface Exchange {
  conn: number;
  step: number;
  text: string;
  replies: Frame[];
}

const IN_BRACKET = new Set(["agent_message", "agent_message_delta", "agent_handover"]);
const COMMANDER_REPLIES = new Set(["agent_message", "mission_created", "error"]);
const ENDINGS = new Set(["session_closed", "mission_created"]);

function exchangesOf(entries: LogEntry[]): { opening: Frame[]; exchanges: Exchange[] } {
  const opening: Frame[] = [];
  const exchanges: Exchange[] = [];
  for (const entry of entries) {
    if (!("frame" in entry) || entry.frame.type === "ping" || entry.frame.type === "pong") continue;
    if (entry.from === "client") {
      const text = String(entry.frame.message ?? entry.frame.content ?? "");
      exchanges.push({ conn: entry.conn, step: entry.step, text, replies: [] });
    } else (exchanges.at(-1)?.replies ?? opening).push(entry.frame);
  }
  return { opening, exchanges };
}

function deltaFailures(exchange: Exchange, tokens: boolean, where: string): string[] {
  const failures: string[] = [];
  const spoken = new Set<string>();
  const pending = new Set<string>();
  for (const frame of exchange.replies) {
    const id = String(frame.id);
    if (frame.type === "agent_message_delta") {
      if (!tokens) failures.push(`${where}: agent_message_delta without ?stream=tokens`);
      if (spoken.has(id))
        failures.push(`${where}: a delta for message ${id} came after the message`);
      else pending.add(id);
    } else if (frame.type === "agent_message") {
      spoken.add(id);
      pending.delete(id);
    }
  }
  const failed = exchange.replies.some((f) => f.type === "error");
  if (!failed && pending.size > 0) {
    failures.push(`${where}: deltas for ${[...pending].join(", ")} never became an agent_message`);
  }
  return failures;
}

function bracketFailures(exchange: Exchange, agent: ProtocolOptions["agent"], where: string) {
  const types = exchange.replies.map((f) => f.type);
  const start = types.indexOf("agent_processing_start");
  const end = types.indexOf("agent_processing_end");
  if (start !== 0) {
    return [`${where}: the reply starts with ${types[0] ?? "nothing"}, not agent_processing_start`];
  }
  if (end === -1) return [`${where}: no agent_processing_end`];
  const failures: string[] = [];
  if (
    types.lastIndexOf("agent_processing_start") !== 0 ||
    types.lastIndexOf("agent_processing_end") !== end
  ) {
    failures.push(`${where}: more than one processing start or end`);
  }
  const inside = agent === "ally" ? new Set([...IN_BRACKET, "checkpoint_update"]) : IN_BRACKET;
  for (const type of types.slice(1, end)) {
    if (!inside.has(type)) failures.push(`${where}: ${type} inside the processing bracket`);
  }
  const after = types.slice(end + 1);
  const allowed = agent === "ally" ? ["session_closed", "error"] : ["mission_created", "error"];
  if (after.length > 1 || after.some((type) => !allowed.includes(type))) {
    failures.push(`${where}: after agent_processing_end came ${after.join(", ")}`);
  }
  return failures;
}

function commanderReplyFailures(exchange: Exchange, where: string): string[] {
  const types = exchange.replies.map((f) => f.type);
  const replies = types.filter((type) => COMMANDER_REPLIES.has(type));
  const failures =
    replies.length === 1
      ? []
      : [
          `${where}: ${replies.length} reply frames (${replies.join(", ") || "none"}), expected exactly one`,
        ];
  for (const type of types) {
    if (!COMMANDER_REPLIES.has(type) && type !== "agent_message_delta") {
      failures.push(`${where}: ${type} without ?events=all`);
    }
  }
  return failures;
}

/** The Ally names who speaks: each message's agent is the one the last handover passed control to. */
function attributionFailures(exchanges: Exchange[]): string[] {
  const failures: string[] = [];
  let speaking: string = AGENTS.ally;
  for (const exchange of exchanges) {
    for (const frame of exchange.replies) {
      if (frame.type === "agent_handover") speaking = String(frame.agent);
      if (frame.type === "agent_message" && frame.agent !== speaking) {
        failures.push(
          `step ${exchange.step}: a message from ${String(frame.agent)} while ${speaking} holds the conversation`,
        );
      }
    }
  }
  return failures;
}

/** The learner-visible transcript before connection `conn`: what a reconnect's history must hold. */
function transcriptBefore(exchanges: Exchange[], conn: number) {
  const user: string[] = [];
  const agent: string[] = [];
  for (const exchange of exchanges.filter((e) => e.conn < conn)) {
    if (exchange.replies.some((f) => f.type === "error")) continue;
    user.push(exchange.text);
    for (const frame of exchange.replies) {
      if (frame.type === "agent_message") agent.push(String(frame.message ?? frame.content));
    }
  }
  return { user, agent };
}

function openingFailures(opening: Frame[], exchanges: Exchange[], conn: number): string[] {
  const where = `connection ${conn + 1}`;
  const types = opening.map((f) => f.type);
  if (types[0] !== "connected") {
    return [
      `${where} opened with ${types[0] ?? "nothing"}${opening[0]?.message ? ` (${String(opening[0].message)})` : ""}, not connected`,
    ];
  }
  const failures: string[] = [];
  const prior = transcriptBefore(exchanges, conn);
  const history = types[1] === "historical_messages" ? opening[1] : undefined;
  const rest = types.slice(history ? 2 : 1);
  if (rest.length > 1 || rest.some((type) => !ENDINGS.has(type))) {
    failures.push(`${where}: unexpected opening frames ${rest.join(", ")}`);
  }
  if (prior.user.length === 0) {
    if (history) failures.push(`${where}: historical_messages for a conversation with no history`);
    return failures;
  }
  if (!history) return [...failures, `${where}: no historical_messages after connected`];
  const items = (history.messages as { type: string; message?: string; content?: string }[]) ?? [];
  const text = (type: string) =>
    items.filter((i) => i.type === type).map((i) => i.message ?? i.content ?? "");
  if (JSON.stringify(text("user_message")) !== JSON.stringify(prior.user)) {
    failures.push(
      `${where}: historical_messages does not hold the learner's ${prior.user.length} messages`,
    );
  }
  if (text("agent_message").join("\n\n") !== prior.agent.join("\n\n")) {
    failures.push(`${where}: historical_messages does not hold the agents' earlier messages`);
  }
  return failures;
}

function closeFailures(entries: LogEntry[], conn: number): string[] {
  const where = `connection ${conn + 1}`;
  const failures: string[] = [];
  const ending = entries.findIndex(
    (e) => "frame" in e && e.from === "server" && ENDINGS.has(e.frame.type),
  );
  if (ending !== -1) {
    const after = entries.slice(ending + 1).filter((e) => !("frame" in e && e.from === "client"));
    const close = after.find((e) => "closed" in e);
    const frames = after.filter((e) => "frame" in e && e.frame.type !== "pong");
    if (frames.length > 0)
      failures.push(`${where}: frames after ${(entries[ending] as { frame: Frame }).frame.type}`);
    if (!close || !("closed" in close) || close.closed.code !== 1000) {
      failures.push(`${where}: the socket did not close with 1000 after the conversation ended`);
    }
  }
  for (const entry of entries) {
    if ("closed" in entry && entry.closed.code !== 1000) {
      failures.push(`${where} closed with ${entry.closed.code} ${entry.closed.reason}`);
    }
  }
  return failures;
}

/** The handovers announced on the wire must be the ones the graph made, turn by turn. */
function handoverFailures(trace: Scored): string[] {
  return trace.steps.flatMap((step) => {
    if (!("user" in step.input) || step.path.length === 0) return [];
    const wire = trace.frames.flatMap((e) =>
      e.step === step.index && "frame" in e && e.frame.type === "agent_handover"
        ? [String(e.frame.agent)]
        : [],
    );
    const graph = step.trajectory.filter((i) => i.kind === "handover").map((i) => i.name);
    return JSON.stringify(wire) === JSON.stringify(graph)
      ? []
      : [
          `step ${step.index}: the wire announced handovers to [${wire.join(", ")}], the graph handed over to [${graph.join(", ")}]`,
        ];
  });
}

/**
 * Every server frame against the zod schemas in `server/protocol/frames.ts`, and the ordering
 * rules: `connected` first, history on a reconnect, processing start/end around every Ally turn
 * (and Commander turns with `events=all`) with `session_closed` after the end, exactly one reply
 * frame per Commander message otherwise, deltas before their message, close 1000 at the end.
 */
export function scoreProtocol(options: ProtocolOptions, trace: Scored): CheckResult {
  const schema = options.agent === "ally" ? AllyServerFrame : CommanderServerFrame;
  const failures: string[] = [];
  trace.frames.forEach((entry, index) => {
    if (!("frame" in entry) || entry.from !== "server") return;
    const parsed = schema.safeParse(entry.frame);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      failures.push(
        `frame ${index + 1} (${entry.frame.type}) breaks the schema: ${issue?.path.join(".") || "type"}: ${issue?.message}`,
      );
    }
  });
  const bracketed = options.agent === "ally" || options.allEvents;
  const all = exchangesOf(trace.frames).exchanges;
  const connections = [...new Set(trace.frames.map((e) => e.conn))];
  for (const conn of connections) {
    const entries = trace.frames.filter((e) => e.conn === conn);
    const { opening, exchanges } = exchangesOf(entries);
    failures.push(...openingFailures(opening, all, conn), ...closeFailures(entries, conn));
    for (const exchange of exchanges) {
      const where = `step ${exchange.step}`;
      failures.push(
        ...(bracketed
          ? bracketFailures(exchange, options.agent, where)
          : commanderReplyFailures(exchange, where)),
        ...deltaFailures(exchange, options.tokens, where),
      );
    }
  }
  if (options.agent === "ally") failures.push(...attributionFailures(all));
  if (bracketed) failures.push(...handoverFailures(trace));
  return verdict("protocol", failures);
}
