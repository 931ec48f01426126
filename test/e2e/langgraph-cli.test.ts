import { existsSync } from "node:fs";
import { join } from "node:path";
import { drawGraph } from "../../graphs/draw/index.js";
import { missionAlly, missionCommander } from "../../graphs/studio.js";
import { startLanggraphDev, type LanggraphDev } from "../support/langgraph-dev.js";

let dev: LanggraphDev;
let base: string;

beforeAll(async () => {
  dev = await startLanggraphDev();
  base = dev.base;
}, 120_000);

afterAll(async () => {
  if (dev) await dev.stop();
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
    expect(existsSync(join(dev.folder, ".langgraph_api"))).toBe(true);
  });
});
