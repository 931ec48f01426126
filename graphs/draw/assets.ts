import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, posix } from "node:path";
import { bundleForBrowser } from "../../web/bundle.js";
import { WEB_DIR, escapeHtml, inlineScript } from "./html.js";

const JS = "text/javascript; charset=utf-8";
const MERMAID_DIST = dirname(createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js"));
/** Where Mermaid's ES module finds its chunks, relative to itself. */
export const MERMAID_CHUNKS = "chunks/mermaid.esm.min/";

const FILES: Record<string, { path: string; contentType: string }> = {
  "graphs.css": { path: `${WEB_DIR}graphs.css`, contentType: "text/css; charset=utf-8" },
  // The whole of Mermaid in one script, for pages that work from a file.
  "mermaid.min.js": { path: join(MERMAID_DIST, "mermaid.min.js"), contentType: JS },
  // Mermaid as an ES module, which loads only the chunks a flowchart needs.
  "mermaid.esm.min.mjs": { path: join(MERMAID_DIST, "mermaid.esm.min.mjs"), contentType: JS },
};

/** The pages' own scripts, bundled from `web/graphs/src`. */
const SCRIPTS = { "graph-page.js": "graph-page.ts", "sign-in.js": "sign-in.ts" } as const;
export type ScriptName = keyof typeof SCRIPTS;

export interface Asset {
  contentType: string;
  body: Buffer;
  /** The body's hash: the asset's version in URLs, and its ETag. */
  hash: string;
}

/**
 * How a page gets its script and styles: written into it, so the file works on its own from disk,
 * or linked from `base`, where the server serves them.
 */
export type PageAssets = { inline: true } | { inline: false; base: string };

const asset = (contentType: string, body: Buffer): Asset => ({
  contentType,
  body,
  hash: createHash("sha256").update(body).digest("hex").slice(0, 16),
});

let scripts: Promise<Map<string, Asset>> | undefined;

/** The page scripts, bundled the first time one is asked for. */
function bundleScripts(): Promise<Map<string, Asset>> {
  scripts ??= bundleForBrowser(
    Object.fromEntries(
      Object.entries(SCRIPTS).map(([name, source]) => [
        name.replace(/\.js$/, ""),
        `${WEB_DIR}src/${source}`,
      ]),
    ),
  ).then((bundles) => new Map([...bundles].map(([name, body]) => [name, asset(JS, body)])));
  scripts.catch(() => (scripts = undefined));
  return scripts;
}

let chunkNames: Set<string> | undefined;
const files = new Map<string, Asset>();

function fileAsset(name: string, path: string, contentType: string): Asset {
  let file = files.get(name);
  if (!file) {
    file = asset(contentType, readFileSync(path));
    files.set(name, file);
  }
  return file;
}

/**
 * An asset the graph pages use, read or bundled once per process: the styles, the pages' scripts,
 * Mermaid, and the chunks of Mermaid's ES module. Undefined for any other name.
 */
export async function readAsset(name: string): Promise<Asset | undefined> {
  if (Object.hasOwn(SCRIPTS, name)) return (await bundleScripts()).get(name);
  const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (file) return fileAsset(name, file.path, file.contentType);
  if (!name.startsWith(MERMAID_CHUNKS)) return undefined;
  chunkNames ??= new Set(
    readdirSync(join(MERMAID_DIST, MERMAID_CHUNKS)).filter((chunk) => chunk.endsWith(".mjs")),
  );
  const chunk = name.slice(MERMAID_CHUNKS.length);
  return chunkNames.has(chunk) ? fileAsset(name, join(MERMAID_DIST, name), JS) : undefined;
}

const STATIC_IMPORT = /(?:from|import)\s*"(\.\/[^"]+\.mjs)"/g;
/** The imports Mermaid makes only to draw a flowchart: the diagram and its layout. */
const FLOWCHART_IMPORT = /import\("(\.\/[^"]*\/?(?:flowDiagram|dagre)-[^"]*\.mjs)"\)/g;

let flowchart: Promise<string[]> | undefined;

/**
 * Every module of Mermaid's ES build that drawing a flowchart loads, its entry first: a page asks
 * for them all at once rather than finding them one level of imports at a time.
 */
export function flowchartModules(): Promise<string[]> {
  flowchart ??= (async () => {
    const found = ["mermaid.esm.min.mjs"];
    for (let next = 0; next < found.length; next++) {
      const name = found[next]!;
      const source = (await mustRead(name)).body.toString("utf8");
      for (const [, path] of [
        ...source.matchAll(STATIC_IMPORT),
        ...source.matchAll(FLOWCHART_IMPORT),
      ]) {
        const imported = posix.join(posix.dirname(name), path!);
        if (!found.includes(imported)) found.push(imported);
      }
    }
    return found;
  })();
  return flowchart;
}

async function mustRead(name: string): Promise<Asset> {
  const found = await readAsset(name);
  if (!found) throw new Error(`The graph pages have no asset named ${name}`);
  return found;
}

/** A served asset's URL, versioned by its content so that it can be cached for good. */
export async function assetHref(base: string, name: string): Promise<string> {
  return `${base}${name}?v=${(await mustRead(name)).hash}`;
}

export async function stylesTag(assets: PageAssets): Promise<string> {
  const css = await mustRead("graphs.css");
  if (!assets.inline) {
    return `<link rel="stylesheet" href="${escapeHtml(await assetHref(assets.base, "graphs.css"))}" />`;
  }
  return `<style>\n${css.body.toString("utf8")}</style>`;
}

/** A page script as a module, with Mermaid before it when the page draws. */
export async function scriptTags(
  assets: PageAssets,
  script: ScriptName,
  withMermaid = false,
): Promise<string> {
  if (!assets.inline) {
    const src = escapeHtml(await assetHref(assets.base, script));
    return `<script type="module" src="${src}"></script>`;
  }
  const inline = async (name: string) => inlineScript((await mustRead(name)).body.toString("utf8"));
  const tags = [`<script type="module">\n${await inline(script)}</script>`];
  if (withMermaid) tags.unshift(`<script>\n${await inline("mermaid.min.js")}</script>`);
  return tags.join("\n    ");
}
