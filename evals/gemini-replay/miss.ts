import type { Interaction } from "./cassette.js";
import {
  firstDifference,
  requestDifference,
  valueAt,
  type NormalisedRequest,
} from "./normalise.js";

export interface Miss {
  key: string;
  model: string;
  contents: number;
  /** The last text in the request, shortened. */
  last_text: string;
  closest?: { key: string; differs_at: string; recorded: string; requested: string };
}

const shorten = (text: string, max = 120) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

function lastText(request: NormalisedRequest): string {
  for (const content of [...request.contents].reverse()) {
    for (const part of [...content.parts].reverse()) {
      if (typeof part.text === "string") return shorten(part.text);
    }
  }
  return "";
}

/** Both values shortened around the first character where they differ. */
function around(a: unknown, b: unknown): [string, string] {
  const text = (value: unknown) =>
    typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined");
  const [x, y] = [text(a), text(b)];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i += 1;
  const from = Math.max(0, i - 40);
  const cut = (value: string) => `${from > 0 ? "…" : ""}${shorten(value.slice(from), 100)}`;
  return [cut(x), cut(y)];
}

/** The recorded request that matches the most: same model, system and tools, longest shared history. */
function closest(request: NormalisedRequest, known: readonly Interaction[]): Miss["closest"] {
  const score = (other: NormalisedRequest) => {
    let shared = 0;
    while (
      shared < Math.min(request.contents.length, other.contents.length) &&
      firstDifference(request.contents[shared], other.contents[shared]) === undefined
    ) {
      shared += 1;
    }
    return [
      Number(other.model === request.model),
      Number(other.system === request.system),
      Number(firstDifference(other.tools, request.tools) === undefined),
      shared,
      -Math.abs(other.contents.length - request.contents.length),
    ];
  };
  const beats = (a: number[], b: number[]) => {
    const i = a.findIndex((value, index) => value !== b[index]);
    return i >= 0 && a[i]! > b[i]!;
  };
  let best: { interaction: Interaction; score: number[] } | undefined;
  for (const interaction of known) {
    const candidate = score(interaction.request);
    if (!best || beats(candidate, best.score)) best = { interaction, score: candidate };
  }
  if (!best) return undefined;
  const differsAt = requestDifference(best.interaction.request, request) ?? "(nothing)";
  const [recorded, requested] = around(
    valueAt(best.interaction.request, differsAt),
    valueAt(request, differsAt),
  );
  return { key: best.interaction.key, differs_at: differsAt, recorded, requested };
}

/** What to tell someone whose request had no recording. */
export function describeMiss(
  key: string,
  request: NormalisedRequest,
  known: readonly Interaction[],
): Miss {
  return {
    key,
    model: request.model,
    contents: request.contents.length,
    last_text: lastText(request),
    closest: closest(request, known),
  };
}
