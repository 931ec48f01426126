import { AGENTS, type Assessment, type LearnerReply } from "../../domain/index.js";
import { isServerFrame, type Frame } from "./frame-log.js";
import type { CaseTrace, StepTrace, TrajectoryItem } from "./trace.js";

export interface TranscriptLine {
  step: number;
  /** `learner`, an agent's name, or `event` for what the learner does not see as a message. */
  speaker: string;
  text: string;
}

/** Frames a step's tool calls lead to: they are placed before them. */
const AFTER_TOOLS = new Set(["agent_handover", "checkpoint_update"]);
/** Frames that end a turn: everything the turn did comes before them. */
const AFTER_TURN = new Set(["mission_created", "session_closed", "agent_processing_end"]);

function itemText(item: TrajectoryItem): string {
  if (item.kind === "handover") return `handover to ${item.name} (not announced on the socket)`;
  const result = item.result ? ` → ${item.result}` : "";
  return `${item.agent ?? "agent"} calls ${item.name} ${JSON.stringify(item.args ?? {})}${result}`;
}

function frameText(frame: Frame): string | undefined {
  switch (frame.type) {
    case "connected":
      return "connected";
    case "historical_messages":
      return `history replayed (${(frame.messages as unknown[]).length} messages)`;
    case "agent_handover":
      return `handover to ${String(frame.agent)}`;
    case "checkpoint_update":
      return `progress ${String(frame.progress)}% (${(frame.completed_checkpoints as unknown[]).length} checkpoints done)`;
    case "mission_created": {
      const mission = frame.mission as { title?: string; byte_size_checkpoints?: string[] };
      return `mission created: "${mission.title}" with checkpoints ${JSON.stringify(mission.byte_size_checkpoints)}`;
    }
    case "session_closed":
    case "error":
      return `${frame.type}: ${String(frame.message)}`;
    default:
      return undefined;
  }
}

/** How the server read a learner message that met an open question, from the step's state. */
function readingText(step: StepTrace, text: string): string | undefined {
  const reply = step.state.last_reply as LearnerReply | null | undefined;
  if (!reply || !("last_reply" in step.state_diff || "assessments" in step.state_diff)) {
    return undefined;
  }
  if (reply.kind === "not_an_answer") return `not an answer to the open question (${reply.reason})`;
  if (reply.kind !== "answer") return undefined;
  const assessments = (step.state.assessments as Assessment[] | undefined) ?? [];
  const evidence = (step.state.evidence as { answers: Partial<Assessment>[] }[] | undefined) ?? [];
  const answered = [...assessments, ...evidence.flatMap((e) => e.answers)].findLast(
    (a) => a.answer === text,
  );
  if (!answered?.verdict) return "answered the open question";
  const reason = "verdict_reason" in answered && answered.verdict_reason;
  return `answered "${answered.question}": ${answered.verdict}${reason ? ` (${reason})` : ""}`;
}

/**
 * The conversation as it happened: the learner's messages (with how the server read an answer,
 * and the teacher's verdict), each agent message under the agent that said it, and the events
 * around them. The graph's tool calls and handovers of each step go
 * before the frame they led to: a handover or progress frame, or the end of the turn.
 */
export function transcriptOf(
  agent: "commander" | "ally",
  trace: Pick<CaseTrace, "frames" | "steps">,
): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  let speaking: string = agent === "commander" ? AGENTS.polaris : AGENTS.ally;
  for (const step of trace.steps) {
    const pending = [...step.trajectory];
    const flush = (untilHandover: boolean) => {
      while (pending.length > 0 && !(untilHandover && pending[0]!.kind === "handover")) {
        const item = pending.shift()!;
        if (item.kind === "handover") speaking = item.name;
        lines.push({ step: step.index, speaker: "event", text: itemText(item) });
      }
    };
    for (const entry of trace.frames.filter((e) => e.step === step.index)) {
      if ("closed" in entry) {
        flush(false);
        const { code, reason } = entry.closed;
        lines.push({
          step: step.index,
          speaker: "event",
          text: `socket closed ${code} ${reason}`.trim(),
        });
        continue;
      }
      const { frame } = entry;
      if (!isServerFrame(entry)) {
        if (frame.type === "user_message") {
          const text = String(frame.content ?? frame.message);
          lines.push({ step: step.index, speaker: "learner", text });
          const reading = readingText(step, text);
          if (reading) lines.push({ step: step.index, speaker: "event", text: reading });
        }
        continue;
      }
      if (AFTER_TOOLS.has(frame.type)) flush(true);
      if (AFTER_TURN.has(frame.type)) flush(false);
      if (frame.type === "agent_handover") {
        speaking = String(frame.agent);
        if (pending[0]?.kind === "handover") pending.shift();
      }
      if (frame.type === "agent_message") {
        const who = typeof frame.agent === "string" ? frame.agent : speaking;
        lines.push({
          step: step.index,
          speaker: who,
          text: String(frame.message ?? frame.content),
        });
        continue;
      }
      const text = frameText(frame);
      if (text) lines.push({ step: step.index, speaker: "event", text });
    }
    flush(false);
  }
  return lines;
}

/** The transcript as plain text, for the LLM judge. */
export function transcriptText(lines: TranscriptLine[]): string {
  return lines
    .map((line) =>
      line.speaker === "event"
        ? `[${line.text}]`
        : `${line.speaker === "learner" ? "Learner" : line.speaker}: ${line.text}`,
    )
    .join("\n\n");
}
