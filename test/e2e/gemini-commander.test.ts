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

async function start(name: string, env: Record<string, string> = {}, learner = "Ada") {
  cassette = await useCassette(name);
  server = await startTestServer({ env: { ...cassette.env, ...env } });
  token = (await server.login(`${learner.toLowerCase()}@example.com`, learner)).token;
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
  it("talks with a learner who writes in Spanish in Spanish, never takes 'Hola' as a topic, and creates the mission", async () => {
    // The eval case's cassette, whose answers are Gemini's in the learner's language.
    await start("../cases/cassettes/commander-spanish-interview", {}, "Ana");
    const socket = await connect();
    const replies: Frame[] = [];
    for (const content of [
      "Hola",
      "Quiero aprender Python para analizar datos",
      "Soy principiante",
      "Sí, me siento cómodo con eso",
      "Sí, es correcto",
    ]) {
      replies.push(...(await turn(socket, content, oneFrame)));
    }
    expect(replies.map((f) => f.type)).toEqual([
      ...Array(4).fill("agent_message"),
      "mission_created",
    ]);
    expect(replies[0]!.content).toMatch(/^¡Hola, Ana!.*¿Qué te gustaría aprender\?$/);
    expect(replies[3]!.content).toMatch(/¿Lo he entendido bien\?$/);
    const mission = replies[4]!.mission as { title: string; byte_size_checkpoints: string[] };
    expect(mission.title).toMatch(/^Python para análisis de datos/);
    expect(mission.byte_size_checkpoints).toContain("Listas y bucles");
    // The prompts ask Gemini to reply in the learner's language, and that a greeting is no topic.
    const system = cassette!.replay.served[0]!.request.system ?? "";
    expect(system).toContain("Reply in the language the learner writes in");
    expect(system).toMatch(/A greeting \("hi", "hola", "bonjour"\) is not a topic/);
    const goal = cassette!.replay.served.at(-2)!;
    expect(JSON.stringify(goal.request.contents)).toContain("Sí, es correcto");
  });

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

  // Each cassette answers the first message with a failure (twice, where the server asks twice),
  // and the retry with a real reply.
  const FAULTS: [string, string, number | undefined][] = [
    ["http-500", "HTTP 500", 500],
    ["http-400", "HTTP 400 that quotes the key", 400],
    ["bad-json", "a body that is not JSON", undefined],
    ["empty-reply", "an empty reply (STOP, no parts), twice", undefined],
    ["no-candidates", "a response without candidates, twice", undefined],
    ["malformed-call", "MALFORMED_FUNCTION_CALL without content, twice", undefined],
  ];

  it.each(FAULTS)(
    "answers %s (%s) with one error frame, saves nothing, and the retry works",
    async (fault, _what, status) => {
      await start(`commander-fault-${fault}`);
      const socket = await connect();
      expect(await turn(socket, SEED_INTERVIEW[0]!, oneFrame)).toEqual([
        { type: "error", message: TURN_FAILED },
      ]);
      const [reply] = await turn(socket, SEED_INTERVIEW[0]!, oneFrame);
      expect(reply!.type).toBe("agent_message");
      expect(reply!.content).toMatch(/\?$/);
      expect(socket.closeCode).toBeUndefined();
      // The failed turn left nothing behind: the retry sent the very same request.
      const served = cassette!.replay.served;
      expect(served.at(-1)!.key).toBe(served[0]!.key);
      const failures = server!.logLines
        .filter((l) => l.includes('"commander turn failed"'))
        .map((l) => JSON.parse(l) as { error: string; status?: number });
      expect(failures).toHaveLength(1);
      expect(failures[0]!.status).toBe(status);
      expect(JSON.stringify(failures[0])).not.toContain("replay-key");
      // The failed turn's model calls are in its usage too.
      expect(usageLines()).toHaveLength(2);
      expect(usageLines()[0]!.usage.model_calls).toBeGreaterThanOrEqual(1);
    },
  );

  // Each cassette answers the first message once with something unusable, then with a reply.
  it.each([
    ["empty-once", "an empty reply (STOP, no parts)"],
    ["malformed-once", "MALFORMED_FUNCTION_CALL"],
    ["recitation-once", "RECITATION"],
  ])("asks again after %s (%s), and the learner sees only the reply", async (fault) => {
    await start(`commander-${fault}`);
    const socket = await connect();
    const frames = await turn(socket, SEED_INTERVIEW[0]!, oneFrame);
    expect(frames.map((f) => f.type)).toEqual(["agent_message"]);
    expect(frames[0]!.content).toMatch(/\?$/);
    const [first, second] = cassette!.replay.served;
    expect(second!.key).toBe(first!.key);
    expect(usageLines()[0]!.usage.model_calls).toBe(2);
  });

  it("says it cannot put a recited answer in its own words, and the interview goes on", async () => {
    await start("commander-recitation");
    const socket = await connect();
    expect(await turn(socket, SEED_INTERVIEW[0]!, oneFrame)).toEqual([
      expect.objectContaining({
        type: "agent_message",
        content:
          "I can't put that in my own words right now. Could you ask me about it another way?",
      }),
    ]);
    expect(cassette!.replay.served).toHaveLength(2);
    const [next] = await turn(socket, SEED_INTERVIEW[0]!, oneFrame);
    expect(next!.type).toBe("agent_message");
    expect(next!.content).toMatch(/\?$/);
  });

  it("shows the text of a confirming reply that also calls the tool, then creates the mission", async () => {
    await start("commander-text-and-call");
    const socket = await connect("&events=all");
    for (const content of SEED_INTERVIEW.slice(0, -1)) {
      await turn(socket, content, (f) => f.type === "agent_processing_end");
    }
    const last = await turn(socket, SEED_INTERVIEW.at(-1)!, (f) => f.type === "mission_created");
    expect(last.map((f) => f.type)).toEqual([
      "agent_processing_start",
      "agent_message",
      "agent_handover",
      "agent_processing_end",
      "mission_created",
    ]);
    expect(last[1]!.content).toBe("Wonderful, I'll put your mission together now.");
    expect((await socket.closed).code).toBe(1000);
  });

  it("waits out a 429's retryDelay within the time limit, and the learner gets the reply", async () => {
    await start("commander-rate-limit", { GEMINI_MAX_RETRIES: "1" });
    const socket = await connect();
    const startedAt = Date.now();
    const frames = await turn(socket, SEED_INTERVIEW[0]!, oneFrame);
    expect(frames.map((f) => f.type)).toEqual(["agent_message"]);
    // The recorded 429 asks for 2 s.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2000);
    expect(cassette!.replay.served).toHaveLength(2);
  });

  it("tells the learner the tutor is busy when a 429 asks for longer than the time limit", async () => {
    await start("commander-rate-limit", { GEMINI_MAX_RETRIES: "1", GEMINI_TIMEOUT_MS: "1000" });
    const socket = await connect();
    const startedAt = Date.now();
    expect(await turn(socket, SEED_INTERVIEW[0]!, oneFrame)).toEqual([
      {
        type: "error",
        message: "The tutor is busy right now. Please send your message again in about 2 seconds.",
      },
    ]);
    expect(Date.now() - startedAt).toBeLessThan(1500);
    expect(cassette!.replay.served).toHaveLength(1);
    const failure = server!.logLines.find((l) => l.includes('"commander turn failed"'))!;
    expect(JSON.parse(failure)).toMatchObject({ status: 429 });
    const [next] = await turn(socket, SEED_INTERVIEW[0]!, oneFrame);
    expect(next!.type).toBe("agent_message");
  });

  const curatorRequests = () =>
    cassette!.replay.served.filter((s) => s.request.system?.startsWith("# Mission Curator"));

  it("curates without the exchange Gemini refused, and from the goal alone when that is blocked", async () => {
    await start("commander-curator-refusal");
    const socket = await connect();
    const [refused] = await turn(
      socket,
      "Tell me how to hurt the coworker who annoys me",
      oneFrame,
    );
    expect(refused!.content).toBe("I can't help with that. Let's get back to your learning goal.");
    const replies: Frame[] = [];
    for (const content of SEED_INTERVIEW) replies.push(...(await turn(socket, content, oneFrame)));
    expect(replies.at(-1)!.type).toBe("mission_created");
    expect((await socket.closed).code).toBe(1000);

    const [withInterview, goalOnly] = curatorRequests().map((s) =>
      JSON.stringify(s.request.contents),
    );
    expect(withInterview).toContain("Learner: I want to learn Python for data analysis");
    expect(withInterview).not.toMatch(/hurt|can't help/);
    expect(goalOnly).toContain("Topic: ");
    expect(goalOnly).not.toContain("Learner:");
  });

  it("tells the learner once when no mission can be made, and the interview goes on to one", async () => {
    await start("commander-curator-stuck");
    const socket = await connect();
    const replies: Frame[] = [];
    for (const content of SEED_INTERVIEW) replies.push(...(await turn(socket, content, oneFrame)));
    expect(replies.at(-1)).toMatchObject({
      type: "agent_message",
      content:
        "I couldn't put a mission together from that goal just now. Could you describe what you'd like to learn in a different way?",
    });
    expect(curatorRequests()).toHaveLength(2);

    const again = await turn(socket, "Python for analysing sales spreadsheets", oneFrame);
    expect(again[0]!.type).toBe("agent_message");
    const created = await turn(socket, "Yes, that's correct", oneFrame);
    expect(created[0]!.type).toBe("mission_created");
    expect((await socket.closed).code).toBe(1000);
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
