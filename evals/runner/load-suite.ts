import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EvalCase } from "./case-schema.js";

/** The starter suite: every `*.jsonl` file here. */
export const CASES_DIR = fileURLToPath(new URL("../cases/", import.meta.url));

export class SuiteError extends Error {}

export interface LoadedCase {
  case: EvalCase;
  /** `file:line`, for messages about the case. */
  source: string;
  /** Where the case's recorded Gemini responses live: `<suite dir>/cassettes/<id>.json`. */
  cassette: string;
  /** The LLM judge's recorded responses: `<suite dir>/cassettes/<id>.judge.json`. */
  judgeCassette: string;
}

export interface Suite {
  /** What the suite was given as: a file, a folder, or a name in `evals/cases/`. */
  name: string;
  files: string[];
  cases: LoadedCase[];
}

/** A `.jsonl` file, a folder of them, or the name of one in `evals/cases/` (`ally` → `ally.jsonl`). */
function suiteFiles(suite: string): string[] {
  const named = join(CASES_DIR, `${suite}.jsonl`);
  const path = existsSync(suite) ? resolve(suite) : existsSync(named) ? named : undefined;
  if (!path) {
    throw new SuiteError(
      `No suite "${suite}": give a .jsonl file, a folder of them, or a name in ${CASES_DIR}`,
    );
  }
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((file) => file.endsWith(".jsonl"))
    .sort()
    .map((file) => join(path, file));
  if (files.length === 0) throw new SuiteError(`${path} holds no .jsonl files`);
  return files;
}

function parseLine(file: string, line: string, number: number): EvalCase {
  const where = `${file}:${number}`;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    throw new SuiteError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = EvalCase.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(case)"}: ${issue.message}`,
    );
    throw new SuiteError(`${where}: not a valid case\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}

/** Reads and checks every case of a suite: one JSON object per line, blank lines allowed. */
export function loadSuite(suite: string, only: string[] = []): Suite {
  const files = suiteFiles(suite);
  const cases: LoadedCase[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const cassettes = join(dirname(file), "cassettes");
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, index) => {
        if (line.trim() === "") return;
        const parsed = parseLine(file, line, index + 1);
        const source = `${basename(file)}:${index + 1}`;
        const earlier = seen.get(parsed.id);
        if (earlier)
          throw new SuiteError(`${source}: case id "${parsed.id}" is also at ${earlier}`);
        seen.set(parsed.id, source);
        cases.push({
          case: parsed,
          source,
          cassette: join(cassettes, `${parsed.id}.json`),
          judgeCassette: join(cassettes, `${parsed.id}.judge.json`),
        });
      });
  }
  const unknown = only.filter((id) => !seen.has(id));
  if (unknown.length > 0) throw new SuiteError(`No case with id ${unknown.join(", ")} in ${suite}`);
  const selected = only.length > 0 ? cases.filter((c) => only.includes(c.case.id)) : cases;
  if (selected.length === 0) throw new SuiteError(`${suite} holds no cases`);
  return { name: suite, files, cases: selected };
}
