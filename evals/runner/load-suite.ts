import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EvalCase } from "./case-schema.js";
import { caseProblems } from "./validate-case.js";
import { graphVocabularies, type Vocabularies } from "./vocabulary.js";

/** The starter suite: every `*.jsonl` file here. */
export const CASES_DIR = fileURLToPath(new URL("../cases/", import.meta.url));

/** Shared seeds a case can name: `missions/<name>.json` and `learners/<name>.json`. */
export const FIXTURES_DIR = fileURLToPath(new URL("../fixtures/", import.meta.url));

export class SuiteError extends Error {}

export interface LoadedCase {
  case: EvalCase;
  /** `file:line`, for messages about the case. */
  source: string;
  /**
   * SHA-256 (first 16 hex digits) of what the case runs and expects, fixtures included and its
   * id, description and tags left out: an edited case gets a new one, a renamed case keeps it.
   */
  content_hash: string;
  /** The fixtures the case names, by kind. */
  fixtures: { learner?: string; mission?: string };
  /** Where the case's recorded Gemini responses live: `<suite dir>/cassettes/<id>.json`. */
  cassette: string;
  /** The LLM judge's recorded responses: `<suite dir>/cassettes/<id>.judge.json`. */
  judgeCassette: string;
  /** The LLM learner's recorded messages: `<suite dir>/cassettes/<id>.learner.json`. */
  learnerCassette: string;
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

type Fixtures = LoadedCase["fixtures"];

/** A seed that names a fixture gets the fixture's content in its place. */
function withFixtures(json: unknown, fixturesDir: string): { json: unknown; fixtures: Fixtures } {
  const seed = (json as { seed?: Record<string, unknown> } | null)?.seed;
  const fixtures: Fixtures = {};
  if (seed === null || typeof seed !== "object") return { json, fixtures };
  const resolved = { ...seed };
  for (const [kind, folder] of [
    ["learner", "learners"],
    ["mission", "missions"],
  ] as const) {
    const name = seed[kind];
    if (typeof name !== "string") continue;
    const path = join(fixturesDir, folder, `${name}.json`);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !existsSync(path)) {
      const known = existsSync(join(fixturesDir, folder))
        ? readdirSync(join(fixturesDir, folder)).map((f) => f.replace(/\.json$/, ""))
        : [];
      throw new Error(
        `seed.${kind}: no fixture "${name}" in ${join(fixturesDir, folder)} (there: ${known.join(", ") || "none"})`,
      );
    }
    try {
      resolved[kind] = JSON.parse(readFileSync(path, "utf8"));
    } catch (err) {
      throw new Error(`seed.${kind}: the fixture ${path} is not JSON (${(err as Error).message})`);
    }
    fixtures[kind] = name;
  }
  return { json: { ...(json as object), seed: resolved }, fixtures };
}

/** JSON with its object keys sorted, so equal content always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Fields that name or describe a case without changing what it runs or expects. */
const LABELS = new Set(["id", "description", "tags"]);

export function contentHash(evalCase: EvalCase): string {
  const content = Object.fromEntries(Object.entries(evalCase).filter(([key]) => !LABELS.has(key)));
  return createHash("sha256").update(canonical(content)).digest("hex").slice(0, 16);
}

function parseLine(
  where: string,
  line: string,
  context: { fixturesDir: string; vocabularies: Vocabularies },
): { parsed: EvalCase; fixtures: Fixtures } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    throw new SuiteError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  let resolved: ReturnType<typeof withFixtures>;
  try {
    resolved = withFixtures(json, context.fixturesDir);
  } catch (err) {
    throw new SuiteError(`${where}: not a valid case\n  ${(err as Error).message}`);
  }
  const parsed = EvalCase.safeParse(resolved.json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(case)"}: ${issue.message}`,
    );
    throw new SuiteError(`${where}: not a valid case\n  ${problems.join("\n  ")}`);
  }
  const problems = caseProblems(parsed.data, context.vocabularies[parsed.data.agent]);
  if (problems.length > 0) {
    throw new SuiteError(`${where}: rules that cannot match\n  ${problems.join("\n  ")}`);
  }
  return { parsed: parsed.data, fixtures: resolved.fixtures };
}

export interface LoadOptions {
  /** Only these case ids. */
  only?: string[];
  fixturesDir?: string;
}

/**
 * Reads and checks every case of a suite: one JSON object per line, blank lines allowed. A case
 * must fit the case format, name fixtures that exist, and use only names the graphs know.
 */
export async function loadSuite(suite: string, options: LoadOptions = {}): Promise<Suite> {
  const only = options.only ?? [];
  const context = {
    fixturesDir: options.fixturesDir ?? FIXTURES_DIR,
    vocabularies: await graphVocabularies(),
  };
  const files = suiteFiles(suite);
  const cases: LoadedCase[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const cassettes = join(dirname(file), "cassettes");
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, index) => {
        if (line.trim() === "") return;
        const { parsed, fixtures } = parseLine(`${file}:${index + 1}`, line, context);
        const source = `${basename(file)}:${index + 1}`;
        const earlier = seen.get(parsed.id);
        if (earlier)
          throw new SuiteError(`${source}: case id "${parsed.id}" is also at ${earlier}`);
        seen.set(parsed.id, source);
        cases.push({
          case: parsed,
          source,
          content_hash: contentHash(parsed),
          fixtures,
          cassette: join(cassettes, `${parsed.id}.json`),
          judgeCassette: join(cassettes, `${parsed.id}.judge.json`),
          learnerCassette: join(cassettes, `${parsed.id}.learner.json`),
        });
      });
  }
  const unknown = only.filter((id) => !seen.has(id));
  if (unknown.length > 0) throw new SuiteError(`No case with id ${unknown.join(", ")} in ${suite}`);
  const selected = only.length > 0 ? cases.filter((c) => only.includes(c.case.id)) : cases;
  if (selected.length === 0) throw new SuiteError(`${suite} holds no cases`);
  return { name: suite, files, cases: selected };
}
