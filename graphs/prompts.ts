import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The prompts that ship with the product. */
export const PROMPTS_DIR = fileURLToPath(new URL("../prompts/", import.meta.url));
const cache = new Map<string, string>();

/** Reads `<dir>/<name>` (the shipped `prompts/` by default) once per process. */
export function loadPrompt(name: string, dir: string = PROMPTS_DIR): string {
  const path = resolve(join(dir, name));
  let text = cache.get(path);
  if (text === undefined) {
    text = readFileSync(path, "utf8");
    cache.set(path, text);
  }
  return text;
}

/**
 * Fills `{{key}}` placeholders; a placeholder without a value is a bug, so it throws.
 * `promptsDir` (a run's `prompts_dir`) points at another copy of `prompts/`, so an edited prompt
 * can be tried, or evaluated, without touching the shipped one.
 */
export function renderPrompt(
  name: string,
  values: Record<string, string | number>,
  promptsDir?: string | null,
): string {
  const dir = promptsDir || PROMPTS_DIR;
  return loadPrompt(name, dir).replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Prompt ${name} needs a value for {{${key}}}`);
    return String(value);
  });
}

/**
 * The prompts of one agent folder (`ally`, `commander`), by path, with their text, from
 * `promptsDir` (the shipped `prompts/` by default).
 */
export function promptsOf(folder: string, promptsDir?: string | null): Record<string, string> {
  const dir = promptsDir || PROMPTS_DIR;
  const files = readdirSync(join(dir, folder)).filter((file) => file.endsWith(".md"));
  return Object.fromEntries(
    files.sort().map((file) => [`${folder}/${file}`, loadPrompt(join(folder, file), dir)]),
  );
}
