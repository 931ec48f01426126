import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { GenerateContentResponse } from "./gemini-wire.js";
import { NormalisedRequest, requestKey } from "./normalise.js";

/**
 * One recorded exchange. The reply is exactly one of: `response` (served as JSON, or as SSE
 * chunks to a streaming request), `error` (an HTTP error with Gemini's error body) or `raw` (a
 * body sent verbatim, for malformed replies). `pinned` marks an exchange written by hand: record
 * mode keeps it and serves it instead of calling the upstream.
 */
export const Interaction = z
  .object({
    key: z.string(),
    pinned: z.boolean().optional(),
    note: z.string().optional(),
    request: NormalisedRequest,
    delay_ms: z.number().int().min(0).optional(),
    response: GenerateContentResponse.optional(),
    error: z.object({ status: z.number().int().min(400).max(599), body: z.unknown() }).optional(),
    raw: z.string().optional(),
  })
  .refine(
    (i) => [i.response, i.error, i.raw].filter((reply) => reply !== undefined).length === 1,
    "an interaction needs exactly one of response, error or raw",
  );
export type Interaction = z.infer<typeof Interaction>;

export const Cassette = z.object({
  description: z.string().optional(),
  interactions: z.array(Interaction),
});
export type Cassette = z.infer<typeof Cassette>;

export class CassetteError extends Error {}

/** Reads and checks a cassette: every interaction's key must be its request's hash. */
export function readCassette(path: string, options: { allowMissing?: boolean } = {}): Cassette {
  if (!existsSync(path)) {
    if (options.allowMissing) return { interactions: [] };
    throw new CassetteError(`No cassette at ${path}; record it first (see evals/README.md)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new CassetteError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = Cassette.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new CassetteError(`${path} is not a cassette:\n  ${problems.join("\n  ")}`);
  }
  parsed.data.interactions.forEach((interaction, index) => {
    const key = requestKey(interaction.request);
    if (key !== interaction.key) {
      throw new CassetteError(
        `${path}: interaction ${index} says key ${interaction.key} but its request hashes to ${key}`,
      );
    }
  });
  return parsed.data;
}

export function writeCassette(path: string, cassette: Cassette): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(cassette, null, 2)}\n`);
}
