import type { Frame, LogEntry } from "../../evals/runner/frame-log.js";
import type { StepTrace } from "../../evals/runner/trace.js";
import { scoreProtocol } from "../../evals/scorers/index.js";

type Scored = { frames: LogEntry[]; steps: StepTrace[] };

const server = (step: number, frame: Frame, conn = 0): LogEntry => ({
  conn,
  step,
  from: "server",
  frame,
});
const client = (step: number, frame: Frame, conn = 0): LogEntry => ({
  conn,
  step,
  from: "client",
  frame,
});
const closed = (step: number, code: number, reason = "", conn = 0): LogEntry => ({
  conn,
  step,
  closed: { code, reason },
});
const say = (step: number, message: string, conn = 0) =>
  client(step, { type: "user_message", message }, conn);
const agent = (step: number, id: string, who: string, message: string, conn = 0) =>
  server(step, { type: "agent_message", id, agent: who, message }, conn);
const start = (step: number, conn = 0) => server(step, { type: "agent_processing_start" }, conn);
const end = (step: number, conn = 0) => server(step, { type: "agent_processing_end" }, conn);
const handover = (step: number, to: string) =>
  server(step, { type: "agent_handover", agent: to, message: `Handing over to ${to}...` });

function step(index: number, handovers: string[] = []): StepTrace {
  return {
    index,
    input: index === 0 ? { connect: true } : { user: "…" },
    path: index === 0 ? [] : ["intake", "lumina"],
    trajectory: handovers.map((name) => ({ kind: "handover" as const, name, step: index })),
    state: {},
    state_diff: {},
  };
}

/** An Ally conversation that follows every rule: greet, hand over, complete, close. */
function allyConversation(): Scored {
  return {
    frames: [
      server(0, { type: "connected", message: "Connected" }),
      say(1, "Hi"),
      start(1),
      agent(1, "a1", "mission_ally", "Hi Ada! Does that fit?"),
      end(1),
      say(2, "Yes"),
      start(2),
      agent(2, "a2", "mission_ally", "Wonderful"),
      handover(2, "mission_sensei"),
      agent(2, "s1", "mission_sensei", "Concept 1 … what is a commit?"),
      end(2),
      say(3, "I feel confident"),
      start(3),
      agent(3, "s2", "mission_sensei", "Fantastic"),
      server(3, { type: "checkpoint_update", completed_checkpoints: ["Commits"], progress: 100 }),
      handover(3, "mission_ally"),
      agent(3, "a3", "mission_ally", "Congratulations!"),
      end(3),
      server(3, {
        type: "session_closed",
        message: "Congratulations! You've completed the mission!",
      }),
      closed(3, 1000, "Mission completed"),
    ],
    steps: [step(0), step(1), step(2, ["mission_sensei"]), step(3, ["mission_ally"])],
  };
}

const ALLY = { agent: "ally" as const, allEvents: false, tokens: false };
const COMMANDER = { agent: "commander" as const, allEvents: false, tokens: false };

function edit(trace: Scored, change: (frames: LogEntry[]) => LogEntry[]): Scored {
  return { ...trace, frames: change([...trace.frames]) };
}

const indexOf = (frames: LogEntry[], type: string, from = 0) =>
  frames.findIndex((e, i) => i >= from && "frame" in e && e.frame.type === type);

describe("protocol scorer", () => {
  it("passes a conversation that keeps every rule", () => {
    expect(scoreProtocol(ALLY, allyConversation())).toEqual({
      name: "protocol",
      status: "pass",
      failures: [],
    });
  });

  it("validates every frame against the server-frame schemas", () => {
    const broken = edit(allyConversation(), (frames) => {
      frames[3] = server(1, { type: "agent_message", id: "a1", message: "no agent" });
      return frames;
    });
    expect(scoreProtocol(ALLY, broken).failures).toContain(
      "frame 4 (agent_message) breaks the schema: agent: Invalid input: expected string, received undefined",
    );
  });

  it("requires processing start and end around every Ally turn, and session_closed after the end", () => {
    const noEnd = edit(allyConversation(), (frames) =>
      frames.filter((_, i) => i !== indexOf(frames, "agent_processing_end")),
    );
    expect(scoreProtocol(ALLY, noEnd).failures).toContain("step 1: no agent_processing_end");

    const closedEarly = edit(allyConversation(), (frames) => {
      const close = indexOf(frames, "session_closed");
      [frames[close - 1], frames[close]] = [frames[close]!, frames[close - 1]!];
      return frames;
    });
    expect(scoreProtocol(ALLY, closedEarly).failures).toContain(
      "step 3: session_closed inside the processing bracket",
    );

    const late = edit(allyConversation(), (frames) => {
      frames.splice(indexOf(frames, "agent_processing_start"), 1);
      return frames;
    });
    expect(scoreProtocol(ALLY, late).failures).toContain(
      "step 1: the reply starts with agent_message, not agent_processing_start",
    );
  });

  it("checks the wire's handovers against the graph's, and who speaks after each", () => {
    const trace = allyConversation();
    trace.steps[2] = step(2, []);
    expect(scoreProtocol(ALLY, trace).failures).toEqual([
      "step 2: the wire announced handovers to [mission_sensei], the graph handed over to []",
    ]);
    const misattributed = edit(allyConversation(), (frames) => {
      frames[indexOf(frames, "agent_message", 9)] = agent(2, "s1", "mission_ally", "Concept 1");
      return frames;
    });
    expect(scoreProtocol(ALLY, misattributed).failures).toEqual([
      "step 2: a message from mission_ally while mission_sensei holds the conversation",
    ]);
  });

  it("gives each Commander message exactly one reply frame by default", () => {
    const commander: Scored = {
      frames: [
        server(0, { type: "connected", message: "Connected" }),
        client(1, { type: "user_message", content: "I want to learn Git" }),
        server(1, { type: "agent_message", id: "p1", content: "Why?", message: "Why?" }),
        server(1, { type: "agent_message", id: "p2", content: "And?", message: "And?" }),
        client(2, { type: "user_message", content: "For work" }),
        server(2, { type: "agent_processing_start" }),
        server(2, { type: "agent_message", id: "p3", content: "Level?", message: "Level?" }),
      ],
      steps: [step(0), step(1), step(2)],
    };
    expect(scoreProtocol(COMMANDER, commander).failures).toEqual([
      "step 1: 2 reply frames (agent_message, agent_message), expected exactly one",
      "step 2: agent_processing_start without ?events=all",
    ]);
  });

  it("wants every delta before its message, and none without ?stream=tokens", () => {
    const delta = (step: number, id: string, text: string) =>
      server(step, { type: "agent_message_delta", id, delta: text });
    const streamed = edit(allyConversation(), (frames) => {
      frames.splice(3, 0, delta(1, "a1", "Hi "), delta(1, "a1", "Ada!"));
      frames.splice(indexOf(frames, "agent_processing_end", 6), 0, delta(1, "a1", " late"));
      return frames;
    });
    expect(scoreProtocol({ ...ALLY, tokens: true }, streamed).failures).toEqual([
      "step 1: a delta for message a1 came after the message",
    ]);
    expect(scoreProtocol(ALLY, streamed).failures).toContain(
      "step 1: agent_message_delta without ?stream=tokens",
    );
  });

  it("wants the history on a reconnect, holding the conversation so far", () => {
    const reconnected = (history: Frame | undefined): Scored => ({
      frames: [
        server(0, { type: "connected", message: "Connected" }),
        say(1, "Hi"),
        start(1),
        agent(1, "a1", "mission_ally", "Hi Ada!"),
        end(1),
        closed(2, 1000),
        server(2, { type: "connected", message: "Connected" }, 1),
        ...(history ? [server(2, history, 1)] : []),
      ],
      steps: [step(0), step(1), { ...step(2), input: { reconnect: true }, path: [] }],
    });
    const right = {
      type: "historical_messages",
      messages: [
        { type: "user_message", message: "Hi" },
        { type: "agent_message", message: "Hi Ada!" },
      ],
    };
    expect(scoreProtocol(ALLY, reconnected(right)).status).toBe("pass");
    expect(scoreProtocol(ALLY, reconnected(undefined)).failures).toEqual([
      "connection 2: no historical_messages after connected",
    ]);
    const wrong = {
      type: "historical_messages",
      messages: [{ type: "user_message", message: "Hi" }],
    };
    expect(scoreProtocol(ALLY, reconnected(wrong)).failures).toEqual([
      "connection 2: historical_messages does not hold the agents' earlier messages",
    ]);
  });

  it("wants a close with 1000 after the conversation ends, and flags other close codes", () => {
    const unclosed = edit(allyConversation(), (frames) => frames.filter((e) => !("closed" in e)));
    expect(scoreProtocol(ALLY, unclosed).failures).toEqual([
      "connection 1: the socket did not close with 1000 after the conversation ended",
    ]);
    const fault = edit(allyConversation(), (frames) => [
      ...frames.slice(0, 5),
      closed(1, 1011, "Internal server error"),
    ]);
    expect(scoreProtocol(ALLY, fault).failures).toContain(
      "connection 1 closed with 1011 Internal server error",
    );
  });
});
