import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildGraphs, createModelFactory, drawGraph } from "../../graphs/index.js";
import { openSqliteStore } from "../../store/index.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { learnerReply } from "../web/app-page.js";

// `langgraphjs dev` writes its data into the project folder, so it runs on a copy of what
// `langgraph.json` loads: the graphs and everything they import.
const PROJECT = [
  "langgraph.json",
  "package.json",
  "tsconfig.json",
  "domain",
  "graphs",
  "tools",
  "store",
  "prompts",
];

let folder: string;
let cli: ChildProcess;
let base: string;
let output = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

async function waitUntilReady(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (cli.exitCode !== null) throw new Error(`langgraphjs dev exited:\n${output}`);
    try {
      if ((await fetch(`${base}/ok`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`langgraphjs dev did not answer /ok in time:\n${output}`);
}

function stop(): Promise<void> {
  if (cli.exitCode !== null || cli.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => cli.once("exit", () => resolve()));
  process.kill(-cli.pid!, "SIGTERM");
  const force = setTimeout(() => process.kill(-cli.pid!, "SIGKILL"), 5_000);
  return exited.finally(() => clearTimeout(force));
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "learnforge-langgraph-"));
  for (const entry of PROJECT) cpSync(entry, join(folder, entry), { recursive: true });
  symlinkSync(join(process.cwd(), "node_modules"), join(folder, "node_modules"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  cli = spawn(
    join(folder, "node_modules/.bin/langgraphjs"),
    ["dev", "--no-browser", "--host", "127.0.0.1", "--port", String(port)],
    {
      cwd: folder,
      detached: true,
      env: { ...process.env, LANGGRAPH_CLI_NO_ANALYTICS: "1", BROWSER: "none" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  cli.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  cli.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await waitUntilReady(started + 90_000);
}, 120_000);

afterAll(async () => {
  if (cli) await stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
}, 20_000);

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema & { default?: unknown; description?: string }>;
  required?: string[];
}

interface Run {
  /** The state the run ended with. */
  values: Record<string, unknown> & { messages: { type: string; content: unknown }[] };
  /** What the tools wrote to the custom stream. */
  custom: Record<string, unknown>[];
  error?: string;
}

let createdMission: { id: string; byte_size_checkpoints: string[] };

async function newThread(): Promise<string> {
  const res = await fetch(`${base}/threads`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  return ((await res.json()) as { thread_id: string }).thread_id;
}

/** One learner turn as a run on the thread, streamed as Studio streams it. */
async function say(
  thread: string,
  graph: string,
  message: string,
  context?: Record<string, unknown>,
  configurable?: Record<string, unknown>,
): Promise<Run> {
  const res = await fetch(`${base}/threads/${thread}/runs/stream`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      assistant_id: graph,
      input: { messages: [{ type: "human", content: message }] },
      stream_mode: ["values", "custom"],
      ...(context && { context }),
      // A client that knows only `config` puts the form there.
      ...(configurable && { config: { configurable } }),
    }),
  });
  expect(res.status).toBe(200);
  const run: Run = { values: { messages: [] }, custom: [] };
  for (const block of (await res.text()).split("\n\n")) {
    const event = /^event: (.+)$/m.exec(block)?.[1];
    const data = /^data: (.+)$/m.exec(block)?.[1];
    if (!event || !data) continue;
    if (event === "values") run.values = JSON.parse(data) as Run["values"];
    if (event === "custom") run.custom.push(JSON.parse(data) as Record<string, unknown>);
    if (event === "error") {
      const error = JSON.parse(data) as { error?: string; message?: string };
      run.error = `${error.error}: ${error.message}`;
    }
  }
  return run;
}

/** The Ally from its greeting to the close of the session, with seed 000's learner. */
async function wholeMission(context: Record<string, unknown> | undefined) {
  const thread = await newThread();
  let message = "Hello, I'm ready to start learning!";
  const custom: Record<string, unknown>[] = [];
  for (let turn = 0; turn < 60; turn++) {
    const run = await say(thread, "mission_ally", message, context);
    expect(run.error).toBeUndefined();
    custom.push(...run.custom);
    if (run.values.phase === "done") return { values: run.values, custom };
    const said = run.values.messages.filter((m) => m.type === "ai" && m.content).at(-1);
    message = learnerReply(String(said?.content));
  }
  throw new Error("The Ally did not finish the mission in 60 turns");
}

interface Assistant {
  assistant_id: string;
  graph_id: string;
}

interface GraphJson {
  nodes: { id: string; metadata?: Record<string, unknown> }[];
  edges: { source: string; target: string; conditional?: boolean }[];
}

const edgesOf = (graph: GraphJson) =>
  graph.edges
    .map((e) => `${e.source} -> ${e.target}${e.conditional ? " (conditional)" : ""}`)
    .sort();

describe("langgraphjs dev, the server LangGraph Studio talks to", () => {
  it("loads both graphs from langgraph.json as assistants", async () => {
    const res = await fetch(`${base}/assistants/search`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    const assistants = (await res.json()) as Assistant[];
    expect(assistants.map((a) => a.graph_id).sort()).toEqual(["mission_ally", "mission_commander"]);
  });

  it("returns each graph, subgraph expanded, exactly as the graph pages draw it", async () => {
    const assistants = (await (
      await fetch(`${base}/assistants/search`, { method: "POST", body: "{}" })
    ).json()) as Assistant[];
    const store = openSqliteStore({ path: ":memory:" });
    const models = createModelFactory({ defaultModel: "gemini-2.5-flash", perAgentModel: {} });
    const built = buildGraphs(models, store);
    const compiled = { mission_commander: built.commander, mission_ally: built.ally };
    for (const assistant of assistants) {
      const res = await fetch(`${base}/assistants/${assistant.assistant_id}/graph?xray=true`);
      expect(res.status).toBe(200);
      const served = (await res.json()) as GraphJson;
      const ours = (await drawGraph(compiled[assistant.graph_id as keyof typeof compiled]))
        .json as unknown as GraphJson;
      expect(served.nodes.map((n) => n.id).sort()).toEqual(ours.nodes.map((n) => n.id).sort());
      expect(edgesOf(served)).toEqual(edgesOf(ours));
    }
    await store.close();
    const ally = (await (
      await fetch(`${base}/assistants/mission_ally/graph?xray=true`)
    ).json()) as GraphJson;
    expect(ally.nodes.find((n) => n.id === "mission_sensei:teach")?.metadata).toEqual({
      agent: "mission_sensei",
      prompt: "prompts/ally/mission_sensei.md",
    });
    expect(ally.nodes.map((n) => n.id)).toContain("mission_sensei:mark_complete");
    const commander = (await (
      await fetch(`${base}/assistants/mission_commander/graph?xray=true`)
    ).json()) as GraphJson;
    expect(commander.nodes.map((n) => n.id)).toEqual(
      expect.arrayContaining(["polaris", "mission_curator", "create_mission"]),
    );
  });

  it("starts without warnings about the LangGraph libraries it finds", () => {
    expect(output).toContain("Server running at");
    expect(output).not.toMatch(/not up to date|outside the range/i);
  });

  it("takes the learner's message as input, and a context that Studio shows as a form", async () => {
    const schemas = {
      mission_commander: ["prompts_dir", "session_id", "user_id"],
      mission_ally: ["mission_id", "prompts_dir", "user_id"],
    };
    for (const [graph, fields] of Object.entries(schemas)) {
      const res = await fetch(`${base}/assistants/${graph}/schemas`);
      expect(res.status).toBe(200);
      const answer = (await res.json()) as Record<string, JsonSchema>;
      expect(Object.keys(answer.input_schema!.properties!)).toEqual(["messages"]);
      expect(Object.keys(answer.state_schema!.properties!)).toEqual(
        expect.arrayContaining(["messages", "phase", "turn_path"]),
      );
      for (const key of ["context_schema", "config_schema"]) {
        const context = answer[key]!;
        expect(Object.keys(context.properties!).sort()).toEqual(fields);
        // Every field has a default, the demo learner's and mission's among them.
        expect(context.required ?? []).toEqual([]);
        expect(context.properties!.user_id).toMatchObject({
          type: "string",
          default: "studio-learner",
        });
        expect(context.properties!.user_id!.description).toContain("demo learner");
      }
    }
  });

  it("runs a whole Commander interview, create_mission included, on the demo learner", async () => {
    const thread = await newThread();
    let run: Run | undefined;
    for (const message of SEED_INTERVIEW) run = await say(thread, "mission_commander", message);
    const { values, custom } = run!;
    expect(values.phase).toBe("created");
    expect(values.mission_id).toMatch(/\w+/);
    const created = custom.find((e) => e.type === "mission_created") as {
      mission: { id: string; title: string; creator_id: string; byte_size_checkpoints: string[] };
    };
    expect(created.mission).toMatchObject({ id: values.mission_id, creator_id: "studio-learner" });
    createdMission = created.mission;
  }, 90_000);

  it("runs a whole Ally mission, tools included, on the mission the Commander created", async () => {
    const { values, custom } = await wholeMission({ mission_id: createdMission.id });
    const checkpoints = createdMission.byte_size_checkpoints;
    expect(values).toMatchObject({ phase: "done", progress: 100 });
    expect(values.completed_checkpoints).toEqual(checkpoints);
    const progress = custom.filter((e) => e.type === "checkpoint_update").map((e) => e.progress);
    expect(progress).toHaveLength(checkpoints.length);
    expect(progress.at(-1)).toBe(100);
    expect(custom.at(-1)).toMatchObject({ type: "session_closed" });
  }, 90_000);

  it("runs the Ally on the demo mission when the context names none", async () => {
    const { values, custom } = await wholeMission(undefined);
    expect(values).toMatchObject({ phase: "done", progress: 100 });
    expect(custom.some((e) => e.type === "session_closed")).toBe(true);
  }, 90_000);

  it("reads the form from the context or the configurable values, and says what is wrong", async () => {
    const thread = await newThread();
    const run = await say(thread, "mission_ally", "Hello!", { mission_id: "no-such-mission" });
    expect(run.error).toBe('StudioContextError: There is no mission "no-such-mission".');
    expect(run.error).not.toContain("ZodError");
    const stranger = await say(await newThread(), "mission_ally", "Hello!", undefined, {
      user_id: "nobody",
    });
    expect(stranger.error).toBe(
      'StudioContextError: There is no user "nobody" in the Studio store.',
    );
  });

  it("keeps its data in the project it ran in", () => {
    expect(existsSync(join(folder, ".langgraph_api"))).toBe(true);
  });
});
