import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { WEB_DIR, escapeHtml, inlineScript } from "./html.js";

const JS = "text/javascript; charset=utf-8";

const SOURCES = {
  "mermaid.min.js": {
    path: createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js"),
    contentType: JS,
  },
  "graph-page.js": { path: `${WEB_DIR}graph-page.js`, contentType: JS },
  "sign-in.js": { path: `${WEB_DIR}sign-in.js`, contentType: JS },
  "graphs.css": { path: `${WEB_DIR}graphs.css`, contentType: "text/css; charset=utf-8" },
};

export type AssetName = keyof typeof SOURCES;
export type ScriptName = Exclude<AssetName, "graphs.css">;

export interface Asset {
  contentType: string;
  body: Buffer;
}

/**
 * How a page gets its script and styles: written into it, so the file works on its own from disk,
 * or linked from `base`, where the server serves them.
 */
export type PageAssets = { inline: true } | { inline: false; base: string };

const loaded = new Map<AssetName, Asset>();

export const isAssetName = (name: string): name is AssetName => Object.hasOwn(SOURCES, name);

/** An asset the graph pages use, read from disk once per process. */
export function readAsset(name: AssetName): Asset {
  let asset = loaded.get(name);
  if (!asset) {
    asset = { contentType: SOURCES[name].contentType, body: readFileSync(SOURCES[name].path) };
    loaded.set(name, asset);
  }
  return asset;
}

export function stylesTag(assets: PageAssets): string {
  if (!assets.inline) {
    return `<link rel="stylesheet" href="${escapeHtml(assets.base)}graphs.css" />`;
  }
  return `<style>\n${readAsset("graphs.css").body.toString("utf8")}</style>`;
}

export function scriptTags(assets: PageAssets, names: ScriptName[]): string {
  return names
    .map((name) =>
      assets.inline
        ? `<script>\n${inlineScript(readAsset(name).body.toString("utf8"))}</script>`
        : `<script src="${escapeHtml(assets.base + name)}"></script>`,
    )
    .join("\n    ");
}
