import { existsSync } from "node:fs";
import { allyThreadId, enrollmentId } from "../../domain/index.js";
import { buildAllyGraph, buildCommanderGraph, createModelFactory } from "../../graphs/index.js";
import {
  drawGraph,
  overlayPath,
  toMermaid,
  type Conversation,
  type DrawnGraph,
} from "../../graphs/draw/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";

let store: Store;
const models = createModelFactory({ defaultModel: "gemini-2.5-flash", perAgentModel: {} });

beforeEach(() => {
  store = openSqliteStore({ path: ":memory:" });
});
afterEach(() => store.close());

const commander = () => buildCommanderGraph({ models, missions: store.missions });
const ally = () =>
  buildAllyGraph({ models, enrollments: store.enrollments, allySessions: store.allySessions });

const targets = (graph: DrawnGraph, source: string) =>
  graph.edges
    .filter((e) => e.source === source)
    .map((e) => e.target)
    .sort();

/** The label Mermaid draws for a node: the text of its declaration line. */
function labelOf(text: string, mermaidId: string): string {
  const line = text
    .split("\n")
    .find((l) => l.trim().startsWith(`${mermaidId}[`) || l.trim().startsWith(`${mermaidId}(`));
  if (!line) throw new Error(`${mermaidId} is not declared`);
  return line;
}

describe("drawing the graphs", () => {
  it("expands the mission_sensei subgraph, showing teach and mark_complete inside it", async () => {
    const graph = await drawGraph(ally());
    const ids = graph.nodes.map((n) => n.id);

    expect(ids).toEqual(
      expect.arrayContaining([
        "intake",
        "lumina",
        "close_session",
        "mission_sensei:__start__",
        "mission_sensei:teach",
        "mission_sensei:mark_complete",
        "mission_sensei:__end__",
      ]),
    );
    expect(ids).not.toContain("mission_sensei");
    expect(graph.nodes.find((n) => n.id === "mission_sensei:teach")).toMatchObject({
      name: "teach",
      subgraph: "mission_sensei",
      agent: "mission_sensei",
      prompt: "prompts/ally/mission_sensei.md",
    });
    const mermaid = toMermaid(graph);
    const block = mermaid.text.slice(
      mermaid.text.indexOf("subgraph sg_mission_sensei"),
      mermaid.text.indexOf("  end\n"),
    );
    expect(block).toContain(`${mermaid.ids.get("mission_sensei:teach")}[`);
    expect(block).toContain(`${mermaid.ids.get("mission_sensei:mark_complete")}[`);
  });

  it("keeps the JSON exactly as getGraphAsync({ xray: true }) gives it", async () => {
    for (const build of [commander, ally]) {
      const compiled = build();
      const drawn = await drawGraph(compiled);
      const json = (await compiled.getGraphAsync({ xray: true })).toJSON();
      expect(drawn.json).toEqual(json);
      expect(drawn.nodes.map((n) => n.id)).toEqual(
        (json.nodes as { id: string }[]).map((n) => n.id),
      );
    }
  });

  it("labels every node with its agent and the prompt file or tool it uses", async () => {
    const known = {
      polaris: { agent: "polaris", prompt: "prompts/commander/polaris.md" },
      mission_curator: { agent: "mission_curator", prompt: "prompts/commander/mission_curator.md" },
      create_mission: { agent: "mission_curator", tool: "create_mission" },
      intake: { agent: undefined, prompt: undefined, tool: undefined },
      lumina: { agent: "mission_ally", prompt: "prompts/ally/lumina.md" },
      close_session: { agent: "mission_ally", prompt: undefined, tool: undefined },
      "mission_sensei:teach": { agent: "mission_sensei", prompt: "prompts/ally/mission_sensei.md" },
      "mission_sensei:mark_complete": { agent: "mission_sensei", tool: "mark_checkpoint_complete" },
    };
    const drawn: string[] = [];
    for (const graph of [await drawGraph(commander()), await drawGraph(ally())]) {
      const mermaid = toMermaid(graph);
      for (const node of graph.nodes) {
        const label = labelOf(mermaid.text, mermaid.ids.get(node.id)!);
        if (node.boundary) {
          expect(label).toContain(`(["${node.boundary}"])`);
          continue;
        }
        drawn.push(node.id);
        if (node.id in known) expect(node).toMatchObject(known[node.id as keyof typeof known]);
        const source = node.prompt
          ? `prompt: ${node.prompt}`
          : node.tool
            ? `tool: ${node.tool}`
            : "code, no prompt";
        const agent = node.agent ?? "orchestration";
        expect(label).toContain(`<b>${node.name}</b><br/>${agent}<br/><small>${source}</small>`);
        if (node.prompt) expect(existsSync(node.prompt)).toBe(true);
      }
    }
    expect(drawn).toEqual(expect.arrayContaining(Object.keys(known)));
  });

  it("draws every edge once, with an id of its own, dotted when conditional", async () => {
    for (const graph of [await drawGraph(commander()), await drawGraph(ally())]) {
      const mermaid = toMermaid(graph);
      const arrows = mermaid.text.split("\n").filter((l) => /@(-->|-\.->) /.test(l));
      expect(arrows).toHaveLength(graph.edges.length);
      expect(new Set(mermaid.edgeIds.values()).size).toBe(graph.edges.length);
      for (const edge of graph.edges) {
        const arrow = edge.conditional ? "-.->" : "-->";
        const id = mermaid.edgeIds.get(`${edge.source} -> ${edge.target}`);
        const line = `  ${mermaid.ids.get(edge.source)} ${id}@${arrow} ${mermaid.ids.get(edge.target)}`;
        expect(arrows).toContain(line);
      }
    }
    const commanderGraph = await drawGraph(commander());
    expect(targets(commanderGraph, "__start__")).toEqual(["intake"]);
    expect(targets(commanderGraph, "intake")).toEqual(["__end__", "mission_curator", "polaris"]);
    expect(targets(commanderGraph, "polaris")).toEqual(["__end__", "mission_curator", "polaris"]);
    expect(targets(commanderGraph, "mission_curator")).toEqual(["__end__", "create_mission"]);
    const allyGraph = await drawGraph(ally());
    expect(targets(allyGraph, "intake")).toEqual([
      "__end__",
      "check_answer",
      "lumina",
      "mission_sensei:__start__",
    ]);
    expect(targets(allyGraph, "check_answer")).toEqual(["mission_sensei:__start__"]);
    expect(targets(allyGraph, "lumina")).toEqual([
      "__end__",
      "close_session",
      "mission_sensei:__start__",
    ]);
    expect(targets(allyGraph, "mission_sensei:__end__")).toEqual(["__end__", "lumina"]);
    expect(targets(allyGraph, "mission_sensei:teach")).toEqual(
      expect.arrayContaining(["mission_sensei:__end__", "mission_sensei:mark_complete"]),
    );
    // The sensei's routers stay inside it: it returns to the Ally only through its own end.
    const subgraphOf = new Map(allyGraph.nodes.map((n) => [n.id, n.subgraph]));
    for (const edge of allyGraph.edges.filter((e) => subgraphOf.get(e.source))) {
      if (edge.source === "mission_sensei:__end__") continue;
      expect(subgraphOf.get(edge.target)).toBe("mission_sensei");
    }
  });

  it("marks the visited nodes and styles the edges taken, handovers apart", async () => {
    const graph = await drawGraph(ally());
    const conversation: Conversation = {
      threadId: allyThreadId(enrollmentId("u1", "m1")),
      turns: [
        {
          id: "h1",
          learner: "Hi",
          steps: [
            { node: "intake", said: [] },
            { node: "lumina", said: [] },
          ],
          unattributed: [],
        },
        {
          id: "h2",
          learner: "Yes",
          steps: [
            { node: "intake", said: [] },
            { node: "lumina", said: [] },
            { node: "mission_sensei:teach", said: [] },
          ],
          unattributed: [],
        },
      ],
    };
    const overlay = overlayPath(graph, conversation);
    const { text, ids } = toMermaid(graph, overlay);

    const classLines = text.split("\n").filter((l) => l.trim().startsWith("class "));
    // Mermaid styles a node with its classes in the order they are given: the outline goes last.
    expect(classLines.at(-1)).toMatch(/ visited$/);
    const visited = classLines.find((l) => l.endsWith(" visited"));
    const visitedIds = visited!.trim().split(" ")[1]!.split(",").sort();
    expect(visitedIds).toEqual(
      [
        "__start__",
        "intake",
        "lumina",
        "mission_sensei:__start__",
        "mission_sensei:teach",
        "mission_sensei:__end__",
        "__end__",
      ]
        .map((id) => ids.get(id)!)
        .sort(),
    );
    expect(labelOf(text, ids.get("lumina")!)).toContain("<i>ran 2×</i>");
    expect(labelOf(text, ids.get("close_session")!)).not.toContain("ran");

    const edgeLines = text.split("\n").filter((l) => /@(-->|-\.->)/.test(l));
    const indexOf = (source: string, target: string) =>
      edgeLines.findIndex(
        (l) => l.startsWith(`  ${ids.get(source)} `) && l.endsWith(` ${ids.get(target)}`),
      );
    const handover = [
      indexOf("lumina", "mission_sensei:__start__"),
      indexOf("mission_sensei:__start__", "mission_sensei:teach"),
    ];
    expect(edgeLines[handover[0]!]).toContain('|"1×, handover 1×"|');
    expect(text).toContain(`linkStyle ${handover.sort((a, b) => a - b).join(",")} stroke:#7c3aed`);
    const taken = [
      indexOf("__start__", "intake"),
      indexOf("intake", "lumina"),
      indexOf("lumina", "__end__"),
      indexOf("mission_sensei:teach", "mission_sensei:__end__"),
      indexOf("mission_sensei:__end__", "__end__"),
    ].sort((a, b) => a - b);
    expect(text).toContain(`linkStyle ${taken.join(",")} stroke:#c2410c`);
    expect(edgeLines[indexOf("intake", "lumina")]).toContain('|"2×"|');
  });
});
