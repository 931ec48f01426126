import { GenerateContentResponse, type Candidate, type Part } from "./gemini-wire.js";

/** At most this many text chunks per streamed reply, so clients see several token deltas. */
const MAX_TEXT_CHUNKS = 6;

/** Word-sized pieces whose concatenation is exactly `text`. */
function pieces(text: string): string[] {
  const lead = /^\s*/.exec(text)?.[0] ?? "";
  const words = text.slice(lead.length).match(/\S+\s*/g) ?? [];
  if (words.length === 0) return [text];
  words[0] = lead + words[0];
  const size = Math.max(1, Math.ceil(words.length / MAX_TEXT_CHUNKS));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(""));
  return out;
}

/**
 * Splits one recorded response into the chunks `streamGenerateContent` sends: text in several
 * pieces first, then the remaining parts (function calls), with the finish reason, safety ratings
 * and usage on the last chunk only, as Gemini does.
 */
export function streamChunks(response: GenerateContentResponse): GenerateContentResponse[] {
  const [candidate, ...others] = response.candidates ?? [];
  const parts = candidate?.content?.parts ?? [];
  if (!candidate || others.length > 0 || parts.length === 0) return [response];
  const { content, ...finish } = candidate;
  const { usageMetadata, ...top } = response;
  delete top.candidates;
  const role = content?.role ?? "model";
  const textParts = parts.filter((p) => typeof p.text === "string" && !p.thought);
  const otherParts = parts.filter((p) => !textParts.includes(p));
  const groups: Part[][] = textParts.flatMap((part) =>
    pieces(part.text ?? "").map((text) => [{ ...part, text }]),
  );
  if (otherParts.length > 0 || groups.length === 0) groups.push(otherParts);
  return groups.map((group, i) => {
    const last = i === groups.length - 1;
    const chunkCandidate: Candidate = {
      content: { role, parts: group },
      ...(last ? finish : { index: finish.index ?? 0 }),
    };
    return {
      ...top,
      ...(last && usageMetadata ? { usageMetadata } : {}),
      candidates: [chunkCandidate],
    };
  });
}

function mergeParts(parts: Part[]): Part[] {
  const out: Part[] = [];
  for (const part of parts) {
    const previous = out.at(-1);
    const isText = typeof part.text === "string" && Object.keys(part).length === 1;
    const previousIsText =
      previous !== undefined &&
      typeof previous.text === "string" &&
      Object.keys(previous).length === 1;
    if (isText && previousIsText) previous.text = `${previous.text ?? ""}${part.text ?? ""}`;
    else out.push({ ...part });
  }
  return out;
}

/** The one response a stream of chunks amounts to, as a non-streaming call would return it. */
export function mergeChunks(chunks: GenerateContentResponse[]): GenerateContentResponse {
  const merged: GenerateContentResponse = {};
  const parts: Part[] = [];
  let candidate: Candidate | undefined;
  for (const chunk of chunks) {
    const { candidates, ...top } = chunk;
    Object.assign(merged, top);
    const [first] = candidates ?? [];
    if (!first) continue;
    const { content, ...fields } = first;
    candidate = { ...candidate, ...fields };
    parts.push(...(content?.parts ?? []));
  }
  if (!candidate) return merged;
  const content = { role: "model", parts: mergeParts(parts) };
  return { candidates: [{ content, ...candidate }], ...merged };
}

export function encodeSse(chunks: unknown[]): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join("");
}

/** The responses in an SSE body; throws on a line that is not JSON. */
export function parseSse(body: string): GenerateContentResponse[] {
  return body
    .split(/\r?\n\r?\n/)
    .map((event) => event.trim())
    .filter((event) => event.startsWith("data:"))
    .map((event) => GenerateContentResponse.parse(JSON.parse(event.slice("data:".length).trim())));
}
