import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The page templates, styles and browser scripts. */
export const WEB_DIR = fileURLToPath(new URL("../../web/graphs/", import.meta.url));
const files = new Map<string, string>();

/** Reads `web/graphs/<name>` once per process. */
export function readWebFile(name: string): string {
  let text = files.get(name);
  if (text === undefined) {
    text = readFileSync(WEB_DIR + name, "utf8");
    files.set(name, text);
  }
  return text;
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** JSON for a `<script type="application/json">` block: no `<` in it can close the block. */
export const jsonForScript = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/**
 * JavaScript for an inline `<script>`: `</script` and `<!--` only occur in its strings, regular
 * expressions and comments, where `\x3C` means the same `<` and cannot end the element.
 */
export const inlineScript = (source: string) => source.replace(/<(?=\/script|!--)/gi, "\\x3C");

/** Fills `{{key}}` slots with HTML the caller has already escaped; a missing value is a bug. */
export function fillTemplate(name: string, values: Record<string, string>): string {
  return readWebFile(name).replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Template ${name} needs a value for {{${key}}}`);
    return value;
  });
}
