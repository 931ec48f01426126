import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PROMPTS_DIR = fileURLToPath(new URL("../prompts/", import.meta.url));
const cache = new Map<string, string>();

/** Reads `prompts/<name>` once per process. */
export function loadPrompt(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(PROMPTS_DIR + name, "utf8");
    cache.set(name, text);
  }
  return text;
}

/** Fills `{{key}}` placeholders; a placeholder without a value is a bug, so it throws. */
export function renderPrompt(name: string, values: Record<string, string | number>): string {
  return loadPrompt(name).replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Prompt ${name} needs a value for {{${key}}}`);
    return String(value);
  });
}
