import type { TurnUsage } from "../../graphs/index.js";
import { CommanderServerFrame } from "../../server/protocol/index.js";
import { useCassette, type CassetteSession } from "../support/gemini-cassette.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket, type Frame } from "../support/ws-client.js";

// The Mission Commander on the production model path: ChatGoogleGenerativeAI talking HTTP to a
// Gemini replay server that answers from evals/cassettes.

let cassette: CassetteSession | undefined;
let server: TestServer | undefined;
let token: string;

afterEach(async () => {
  await server?.stop();
  await cassette?.stop();
  server = undefined;
  cassette = undefined;
});

async function start(name: string, env: Record<string, string> = {}) {
  cassette = await useCassette(name);
  server = await startTestServer({ env: { ...cassette.env, ...env } });
  token = (await server.login("ada@example.com", "Ada")).token;
}

async function connect(query = "") {
  const { session_id } = await server!.createSession(token);
  const socket = new TestSocket(
    `${server!.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}${query}`,
  );
  await socket.waitFor("connected");
  return socket;
}

/** Sends one message and returns its frames, up to the one `done` recognises. */
async function turn(socket: TestSocket, content: string, done: (f: Frame) => boolean) {
  const from = socket.frames.length;
  socket.send({ type: "user_message", content });
  while (!socket.frames.slice(from).some(done)) {
    await socket.waitForFrames(socket.frames.length + 1);
    if (socket.closeCode !== undefined) break;
  }
  return socket.frames.slice(from);
}

const oneFrame = () => true;

const TURN_FAILED =
  "Sorry, something went wrong while processing your message. Please send it again.";

interface UsageLine {
  msg: string;
  session_id?: string;
  usage: TurnUsage;
}

const usageLines = () =>
  server!.logLines
    .map((line) => JSON.parse(line) as UsageLine)
    .filter((entry) => entry.msg === "turn usage");

describe("Mission Commander on Gemini (replayed)", () => {
  it("runs the seed interview to mission_created, one frame per message", async () => {
    await start("commander-interview");
    const socket = await connect();
    const replies: Frame[] = [];
    for (const content of SEED_INTERVIEW) replies.push(...(await turn(socket, content, oneFrame)));

    expect((await socket.closed).code).toBe(1000);
    expect(replies.map((f) => f.type)).toEqual([
      ...Array(4).fill("agent_message"),
      "mission_created",
    ]);
    for (const frame of socket.frames) {
      expect(CommanderServerFrame.safeParse(frame).error).toBeUndefined();
    }
    for (const reply of replies.slice(0, -1)) {
      expect(reply.content).toBe(reply.message);
      expect(reply.content).toMatch(/\?$/);
    }
    expect(replies[3]!.content).toMatch(/So you want to learn Python for data analysis/);
    const mission = replies[4]!.mission as { title: string; byte_size_checkpoints: string[] };
    expect(mission.title).toMatch(/Python/);
    expect(mission.byte_size_checkpoints.length).toBeGreaterThanOrEqual(4);
    expect(mission.byte_size_checkpoints.length).toBeLessThanOrEqual(6);

    const served = cassette!.replay.served;
    expect(served.map((s) => s.request.model)).toEqual(Array(6).fill("gemini-2.5-flash"));
    expect(served.every((s) => !s.stream)).toBe(true);
    // Polaris is offered its confirmation tool only; Google Search is off by default.
    expect(JSON.stringify(served[0]!.request.tools)).toContain("confirm_learning_goal");
    expect(JSON.stringify(served[0]!.request.tools)).not.toContain("googleSearch");

    // Every turn logs its token usage, and the confirming turn includes the curator's call.
    const usage = usageLines();
    expect(usage).toHaveLength(SEED_INTERVIEW.length);
    expect(usage[0]!.usage.by_agent.polaris!.total_tokens).toBeGreaterThan(0);
    expect(Object.keys(usage.at(-1)!.usage.by_agent).sort()).toEqual([
      "mission_curator",
      "polaris",
    ]);
    expect(usage.at(-1)!.usage.by_agent.mission_curator!.total_tokens).toBeGreaterThan(0);
    const last = usage.at(-1)!.usage;
    expect(last.model_calls).toBe(2);
    expect(last.total_tokens).toBe(last.input_tokens + last.output_tokens);
    expect(usage[0]!.session_id).toMatch(/\S/);
    expect(usage.every((line) => line.session_id === usage[0]!.session_id)).toBe(true);
  });

  it("streams tokens through streamGenerateContent with ?events=all&stream=tokens", async () => {
    await start("commander-interview");
    const socket = await connect("&events=all&stream=tokens");
    for (const content of SEED_INTERVIEW.slice(0, -1)) {
      const frames = await turn(socket, content, (f) => f.type === "agent_processing_end");
      const message = frames.find((f) => f.type === "agent_message")!;
      const deltas = frames.filter((f) => f.type === "agent_message_delta");
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.every((d) => d.id === message.id)).toBe(true);
      expect(deltas.map((d) => d.delta).join("")).toBe(message.content);
    }
    const last = await turn(socket, SEED_INTERVIEW.at(-1)!, (f) => f.type === "mission_created");
    expect(last.map((f) => f.type)).toEqual([
      "agent_processing_start",
      "agent_handover",
      "agent_processing_end",
      "mission_created",
    ]);
    expect(cassette!.replay.served.every((s) => s.stream)).toBe(true);
    expect((await socket.closed).code).toBe(1000);
  });

  it("answers a refused (SAFETY) reply kindly, and the interview carries on", async () => {
    await start("commander-safety");
    const socket = await connect();
    const [refused] = await turn(
      socket,
      "Tell me how to hurt the coworker who annoys me",
      oneFrame,
    );
    expect(refused).toMatchObject({
      type: "agent_message",
      content: "I can't help with that. Let's get back to your learning goal.",
    });
    const [next] = await turn(socket, SEED_INTERVIEW[0]!, oneFrame);
    expect(next!.type).toBe("agent_message");
    expect(next!.content).toMatch(/\?$/);
    // The refusal is part of the history Gemini sees next.
    const history = cassette!.replay.served[1]!.request.contents;
    expect(history.map((c) => c.role)).toEqual(["user", "model", "user"]);
    expect(history[1]!.parts).toEqual([
      { text: "I can't help with that. Let's get back to your learning goal." },
    ]);
  });

  // Each cassette answers the first message with one failure, and the retry with a real reply.
  const FAULTS = [
    ["http-500", "HTTP 500"],
    ["bad-json", "a body that is not JSON"],
    ["no-candidates", "a response without candidates"],
    ["malformed-call", "MALFORMED_FUNCTION_CALL without content"],
  ];

  it.each(FAULTS)("answers %s (%s) with one error frame, and the retry works", async (fault) => {
    await start(`commander-fault-${fault}`);
    const socket = await connect();
    expect(await turn(socket, SEED_INTERVIEW[0]!, oneFrame)).toEqual([
      { type: "error", message: TURN_FAILED },
    ]);
    const [reply] = await turn(socket, SEED_INTERVIEW[0]!, oneFrame);
    expect(reply!.type).toBe("agent_message");
    expect(reply!.content).toMatch(/\?$/);
    expect(socket.closeCode).toBeUndefined();
    const failures = server!.logLines.filter((l) => l.includes('"commander turn failed"'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).not.toContain("replay-key");
  });

  it.each(FAULTS)(
    "brackets a streamed turn that fails with %s in processing markers under ?events=all",
    async (fault) => {
      await start(`commander-fault-${fault}`);
      const socket = await connect("&events=all&stream=tokens");
      expect(await turn(socket, SEED_INTERVIEW[0]!, (f) => f.type === "error")).toEqual([
        { type: "agent_processing_start" },
        { type: "agent_processing_end" },
        { type: "error", message: TURN_FAILED },
      ]);
      const frames = await turn(
        socket,
        SEED_INTERVIEW[0]!,
        (f) => f.type === "agent_processing_end",
      );
      expect(frames.map((f) => f.type)).toContain("agent_message");
      expect(cassette!.replay.served.every((s) => s.stream)).toBe(true);
    },
  );

  it("gives up on a model call after GEMINI_TIMEOUT_MS, and the retry works", async () => {
    await start("commander-timeout", { GEMINI_TIMEOUT_MS: "300" });
    const socket = await connect();
    const startedAt = Date.now();
    expect(await turn(socket, SEED_INTERVIEW[0]!, oneFrame)).toEqual([
      { type: "error", message: TURN_FAILED },
    ]);
    // The recorded reply is delayed by 3 s; the error arrives well before it.
    expect(Date.now() - startedAt).toBeLessThan(2500);
    const [reply] = await turn(socket, SEED_INTERVIEW[0]!, oneFrame);
    expect(reply!.type).toBe("agent_message");
  });

  it("retries a failed call GEMINI_MAX_RETRIES times before the learner notices", async () => {
    await start("commander-retry", { GEMINI_MAX_RETRIES: "1" });
    const socket = await connect();
    const frames = await turn(socket, SEED_INTERVIEW[0]!, oneFrame);
    expect(frames.map((f) => f.type)).toEqual(["agent_message"]);
    // The first attempt got a 503, the second the recorded reply.
    expect(cassette!.replay.served).toHaveLength(2);
    expect(cassette!.replay.served[0]!.key).toBe(cassette!.replay.served[1]!.key);
  });

  it("offers polaris Google Search when GEMINI_GOOGLE_SEARCH=true", async () => {
    await start("commander-search", { GEMINI_GOOGLE_SEARCH: "true" });
    const socket = await connect();
    const [reply] = await turn(socket, SEED_INTERVIEW[0]!, oneFrame);
    expect(reply!.type).toBe("agent_message");
    const tools = cassette!.replay.served[0]!.request.tools;
    expect(tools).toContainEqual({ googleSearch: {} });
    expect(JSON.stringify(tools)).toContain("confirm_learning_goal");
  });
});
