import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { PROMPTS_DIR } from "../../graphs/prompts.js";

export class PromptsDirError extends Error {
  override name = "PromptsDirError";
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
    .map((file) => relative(dir, join(dir, file)))
    .sort();
}

/** The prompts the agents read: everything shipped in `prompts/` except the judge's. */
export const agentPrompts = (): string[] =>
  markdownFiles(PROMPTS_DIR).filter((file) => !file.startsWith("evals"));

/** Checks that `dir` is a full copy of the agents' prompts and returns its absolute path. */
export function checkPromptsDir(dir: string): string {
  const absolute = resolve(dir);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new PromptsDirError(`--prompts-dir ${dir} is not a folder`);
  }
  const missing = agentPrompts().filter((file) => !existsSync(join(absolute, file)));
  if (missing.length > 0) {
    throw new PromptsDirError(
      `--prompts-dir ${dir} lacks ${missing.join(", ")}; start from a copy of ${PROMPTS_DIR}`,
    );
  }
  return absolute;
}

/** A short hash of each agent prompt in `dir`, so runs can tell which prompts changed. */
export function hashPrompts(dir: string = PROMPTS_DIR): Record<string, string> {
  return Object.fromEntries(
    agentPrompts().map((file) => [
      file,
      createHash("sha256")
        .update(readFileSync(join(dir, file)))
        .digest("hex")
        .slice(0, 16),
    ]),
  );
}
