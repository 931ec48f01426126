import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drawGraph } from "../../graphs/draw/index.js";
import { missionAlly, missionCommander } from "../../graphs/studio.js";

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
    const compiled = { mission_commander: missionCommander, mission_ally: missionAlly };
    for (const assistant of assistants) {
      const res = await fetch(`${base}/assistants/${assistant.assistant_id}/graph?xray=true`);
      expect(res.status).toBe(200);
      const served = (await res.json()) as GraphJson;
      const ours = (await drawGraph(compiled[assistant.graph_id as keyof typeof compiled]))
        .json as unknown as GraphJson;
      expect(served.nodes.map((n) => n.id).sort()).toEqual(ours.nodes.map((n) => n.id).sort());
      expect(edgesOf(served)).toEqual(edgesOf(ours));
    }
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

  it("keeps its data in the project it ran in", () => {
    expect(existsSync(join(folder, ".langgraph_api"))).toBe(true);
  });
});
