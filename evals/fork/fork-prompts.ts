import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROMPTS_DIR } from "../../graphs/prompts.js";
import { agentPrompts, checkPromptsDir, hashPrompts } from "../runner/prompts-dir.js";
import { ForkError } from "./fork-models.js";

/** The prompts a fork runs with, and the files among them that differ from the shipped ones. */
export interface ForkPrompts {
  /** Absent: the shipped prompts. */
  dir?: string;
  changed: string[];
  /** Removes the copy made for edited prompts, if one was made. */
  dispose(): void;
}

/**
 * `promptsDir` (a copy of `prompts/`) as it is, or, with `edits` (file → new text, e.g.
 * `ally/mission_sensei.md`), a scratch copy of it (or of the shipped prompts) with those files
 * replaced.
 */
export function forkPrompts(promptsDir?: string, edits: Record<string, string> = {}): ForkPrompts {
  const base = promptsDir ? checkPromptsDir(promptsDir) : undefined;
  const files = agentPrompts();
  const unknown = Object.keys(edits).filter((file) => !files.includes(file));
  if (unknown.length > 0) {
    throw new ForkError(
      `There is no prompt ${unknown.join(", ")}; the prompts are ${files.join(", ")}`,
    );
  }
  let dir = base;
  let dispose = (): void => undefined;
  if (Object.keys(edits).length > 0) {
    const copy = mkdtempSync(join(tmpdir(), "learnforge-fork-prompts-"));
    dispose = () => rmSync(copy, { recursive: true, force: true });
    cpSync(base ?? PROMPTS_DIR, copy, { recursive: true });
    for (const [file, text] of Object.entries(edits)) writeFileSync(join(copy, file), text);
    dir = copy;
  }
  const shipped = hashPrompts();
  const used = dir ? hashPrompts(dir) : shipped;
  const changed = files.filter((file) => used[file] !== shipped[file]);
  return { dir, changed, dispose };
}
