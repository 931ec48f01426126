import { buildCommanderGraph, createModelFactory } from "../../graphs/index.js";
import {
  drawGraph,
  renderGraphPage,
  renderIndexPage,
  type Conversation,
  type DrawnGraph,
} from "../../graphs/draw/index.js";
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
  threadId: "commander:s1",
  turns: [
    {
      id: "h1",
      learner: HOSTILE,
      at: "2026-01-01T00:00:00.000Z",
      steps: [
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
    },
  ],
};

/** The page with its inline JSON data block taken out, which is checked separately. */
const markupOf = (html: string) =>
  html.replace(/<script type="application\/json"[^]*?<\/script>/, "");

describe("graph pages", () => {
  it("escapes learner and agent text everywhere it appears", () => {
    const html = renderGraphPage({
      graph,
      conversation: { label: `Commander ${HOSTILE}`, conversation },
      assets: { inline: false, base: "/graphs/assets/" },
      indexHref: "/graphs",
    });
    const markup = markupOf(html);

    expect(markup).not.toContain("<img");
    expect(markup).not.toContain('alert("x")</script>');
    expect(markup.match(/<script/g)).toHaveLength(2);
    expect(markup).toContain(
      "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;q&#39;",
    );
    expect(markup).toContain(
      "calls confirm_learning_goal({&quot;topic&quot;:&quot;&lt;/script&gt;",
    );
    expect(markup).toContain("handover: polaris → mission_curator");

    const data = /<script type="application\/json" id="graph-data">([^]*?)<\/script>/.exec(
      html,
    )![1]!;
    expect(data).not.toContain("<");
    const parsed = JSON.parse(data) as { mermaid: string; routes: string[][] };
    expect(parsed.routes).toEqual([["n___start__", "n_polaris", "n_mission_curator", "n___end__"]]);
    expect(parsed.mermaid).toContain("flowchart TD");
  });

  it("links its scripts from the server, or carries them inline to work from a file", () => {
    const linked = renderGraphPage({
      graph,
      assets: { inline: false, base: "/graphs/assets/" },
      indexHref: "/graphs",
    });
    expect(linked).toContain('<script src="/graphs/assets/mermaid.min.js"></script>');
    expect(linked).toContain('<script src="/graphs/assets/graph-page.js"></script>');
    expect(linked).toContain('<link rel="stylesheet" href="/graphs/assets/graphs.css" />');

    const inline = renderGraphPage({ graph, assets: { inline: true }, indexHref: "index.html" });
    expect(/<script src=|<link rel="stylesheet"/.test(inline)).toBe(false);
    expect(inline.includes('globalThis["mermaid"]')).toBe(true);
    expect(inline.includes(`.render("graph-svg", data.mermaid)`)).toBe(true);
    expect(inline.length).toBeGreaterThan(3_000_000);
  });

  it("escapes conversation links on the index and offers sign-in only when asked", () => {
    const html = renderIndexPage({
      graphs: [{ name: "mission_ally", href: "/graphs/mission_ally" }],
      conversations: [
        { label: `Ally on ${HOSTILE}`, detail: "50% done", href: "/graphs/x?a=1&b=2" },
      ],
      signIn: true,
      assets: { inline: false, base: "/graphs/assets/" },
    });
    expect(html).toContain('<a href="/graphs/mission_ally">Mission Ally</a>');
    expect(html).toContain('<a href="/graphs/x?a=1&amp;b=2">Ally on &lt;/script&gt;');
    expect(html).not.toContain("<img");
    expect(html).not.toContain('id="sign-in"');

    const anonymous = renderIndexPage({
      graphs: [],
      signIn: true,
      assets: { inline: false, base: "/graphs/assets/" },
    });
    expect(anonymous).toContain('<form id="sign-in">');
    expect(anonymous).toContain('<script src="/graphs/assets/sign-in.js"></script>');
  });
});
