// `npm run graphs [-- <folder>]`: writes each graph's Mermaid text, its JSON and a page that works
// offline on its own, into `graphs-out/` unless another folder is given.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { openSqliteStore } from "../../store/index.js";
import { buildGraphs } from "../build-graphs.js";
import { createModelFactory } from "../models/index.js";
import { drawGraph } from "./drawn-graph.js";
import { renderGraphPage } from "./graph-page.js";
import { renderIndexPage } from "./index-page.js";
import { toMermaid } from "./mermaid.js";

const folder = resolve(process.argv[2] ?? "graphs-out");
mkdirSync(folder, { recursive: true });
const write = (name: string, content: string) => {
  writeFileSync(join(folder, name), content);
  process.stdout.write(`wrote ${relative(process.cwd(), join(folder, name)) || name}\n`);
};

// Drawing runs nothing: the graphs need a store to be built, not to be drawn.
const store = openSqliteStore({ path: ":memory:" });
const models = createModelFactory({ defaultModel: "gemini-2.5-flash", perAgentModel: {} });
const { commander, ally } = buildGraphs(models, store);
const graphs = await Promise.all([commander, ally].map(drawGraph));
await store.close();
for (const graph of graphs) {
  write(`${graph.name}.mmd`, toMermaid(graph).text);
  write(`${graph.name}.json`, `${JSON.stringify(graph.json, null, 2)}\n`);
  write(
    `${graph.name}.html`,
    await renderGraphPage({ graph, assets: { inline: true }, indexHref: "index.html" }),
  );
}
write(
  "index.html",
  await renderIndexPage({
    graphs: graphs.map((g) => ({ name: g.name, href: `${g.name}.html` })),
    assets: { inline: true },
  }),
);
