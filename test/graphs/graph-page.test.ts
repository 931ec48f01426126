import { commanderThreadId } from "../../domain/index.js";
import { buildCommanderGraph, createModelFactory } from "../../graphs/index.js";
import {
  drawGraph,
  renderGraphPage,
  renderIndexPage,
  toMermaid,
  type Conversation,
  type DrawnGraph,
} from "../../graphs/draw/index.js";
import type { PageData } from "../../graphs/draw/page-data.js";
import { openSqliteStore } from "../../store/index.js";

const HOSTILE = `</script><script>alert("x")</script><img src=x onerror=alert(1)> & 'q'`;
let graph: DrawnGraph;

beforeAll(async () => {
  const store = openSqliteStore({ path: ":memory:" });
  const models = createModelFactory({ defaultModel: "gemini-2.5-flash", perAgentModel: {} });
  graph = await drawGraph(buildCommanderGraph({ models, missions: store.missions }));
  await store.close();
});

const conversation: Conversation = {
  threadId: commanderThreadId("s1"),
  turns: [
    {
      id: "h1",
      learner: HOSTILE,
      at: "2026-01-01T00:00:00.000Z",
      steps: [
        { node: "intake", said: [] },
        {
          node: "polaris",
          said: [
            { kind: "say", text: `You said ${HOSTILE}` },
            { kind: "tool_call", name: "confirm_learning_goal", args: `{"topic":"${HOSTILE}"}` },
            { kind: "tool_result", text: "Learning goal confirmed." },
          ],
        },
        { node: "mission_curator", said: [] },
      ],
      unattributed: [],
      state: { phase: "curating", goal: { topic: HOSTILE } },
    },
  ],
};

/** The page with its inline JSON data block taken out, which is checked separately. */
const markupOf = (html: string) =>
  html.replace(/<script type="application\/json"[^]*?<\/script>/g, "");

const dataOf = (html: string) => {
  const data = /<script type="application\/json" id="graph-data">([^]*?)<\/script>/.exec(html)![1]!;
  expect(data).not.toContain("<");
  return JSON.parse(data) as PageData;
};

const SERVED = { inline: false, base: "/graphs/assets/" } as const;

describe("graph pages", () => {
  it("hands learner and agent text to the page's script as data, never as markup", async () => {
    const html = await renderGraphPage({
      graph,
      conversation: { label: `Commander: ${HOSTILE}`, conversation },
      assets: SERVED,
      indexHref: "/graphs",
    });
    const markup = markupOf(html);
    expect(markup).not.toContain("<img");
    expect(markup).not.toContain('alert("x")</script>');
    expect(markup).not.toContain("You said");
    expect(markup.match(/<script/g)).toHaveLength(1);
    expect(markup).toContain(
      "Commander: &lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;q&#39;",
    );

    const data = dataOf(html);
    const [turn] = data.conversation!.turns;
    expect(turn!.learner).toBe(HOSTILE);
    expect(turn!.at).toBe("2026-01-01T00:00:00.000Z");
    expect(turn!.steps.map((s) => [s.node, s.agent, s.handover])).toEqual([
      ["intake", undefined, undefined],
      ["polaris", "polaris", undefined],
      ["mission_curator", "mission_curator", { from: "polaris", to: "mission_curator" }],
    ]);
    expect(turn!.steps[1]!.said[0]).toEqual({ kind: "say", text: `You said ${HOSTILE}` });
    expect(turn!.route.nodes).toEqual([
      "n___start__",
      "n_intake",
      "n_polaris",
      "n_mission_curator",
      "n___end__",
    ]);
    // The edges of the route, by the ids the drawing gives them.
    const drawing = toMermaid(graph);
    const edges = [
      ["__start__", "intake"],
      ["intake", "polaris"],
      ["polaris", "mission_curator"],
      ["mission_curator", "__end__"],
    ].map(([from, to]) => drawing.edgeIds.get(`${from} -> ${to}`));
    expect(edges.every(Boolean)).toBe(true);
    expect(turn!.route.edges).toEqual(edges);
    expect(turn!.state).toEqual({ phase: "curating", goal: { topic: HOSTILE } });
    expect(data.mermaid).toContain("flowchart TD");
  });

  it("links its scripts from the server by version, or carries them inline to work from a file", async () => {
    const linked = await renderGraphPage({ graph, assets: SERVED, indexHref: "/graphs" });
    expect(linked).toMatch(
      /<script type="module" src="\/graphs\/assets\/graph-page\.js\?v=[0-9a-f]{16}"><\/script>/,
    );
    expect(linked).toMatch(
      /<link rel="stylesheet" href="\/graphs\/assets\/graphs\.css\?v=[0-9a-f]{16}" \/>/,
    );
    const mermaid = /<link rel="modulepreload" href="([^"]+)" \/>/.exec(linked)![1];
    expect(mermaid).toMatch(/^\/graphs\/assets\/mermaid\.esm\.min\.mjs\?v=[0-9a-f]{16}$/);
    expect(dataOf(linked).mermaidModule).toBe(mermaid);

    const inline = await renderGraphPage({
      graph,
      assets: { inline: true },
      indexHref: "index.html",
    });
    expect(/<script [^>]*src=|<link rel="(stylesheet|modulepreload)"/.test(inline)).toBe(false);
    expect(inline.includes('globalThis["mermaid"]')).toBe(true);
    expect(dataOf(inline).mermaidModule).toBeUndefined();
    expect(inline.length).toBeGreaterThan(3_000_000);
  });

  it("escapes conversation links on the index and offers the server's own sign-in", async () => {
    const html = await renderIndexPage({
      graphs: [{ name: "mission_ally", href: "/graphs/mission_ally" }],
      conversations: [{ label: `Ally: ${HOSTILE}`, detail: "50% done", href: "/graphs/x?a=1&b=2" }],
      signIn: { auth: "local" },
      assets: SERVED,
    });
    expect(html).toContain('<a href="/graphs/mission_ally">Mission Ally</a>');
    expect(html).toContain('<a href="/graphs/x?a=1&amp;b=2">Ally: &lt;/script&gt;');
    expect(html).not.toContain("<img");
    expect(html).not.toContain('id="sign-in"');

    const local = await renderIndexPage({ graphs: [], signIn: { auth: "local" }, assets: SERVED });
    expect(local).toContain('<form id="sign-in">');
    expect(local).not.toContain('type="password"');
    expect(local).toMatch(/<script type="module" src="\/graphs\/assets\/sign-in\.js\?v=/);

    const firebase = {
      identityToolkit: "http://127.0.0.1:9099/identitytoolkit.googleapis.com/v1",
      apiKey: "k",
    };
    const remote = await renderIndexPage({
      graphs: [],
      signIn: { auth: "firebase", firebase },
      assets: SERVED,
    });
    expect(remote).toContain('type="password"');
    const config = /<script type="application\/json" id="sign-in-config">([^]*?)<\/script>/.exec(
      remote,
    )![1]!;
    expect(JSON.parse(config)).toEqual({ auth: "firebase", firebase });
  });
});
