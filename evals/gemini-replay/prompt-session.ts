import { z } from "zod";
import type { AgentName } from "../../domain/index.js";
import { SESSIONS, type AgentSession } from "../../graphs/agent-sessions.js";
import { splitList } from "../../graphs/models/offline/language.js";

const HEADING = /^##\s+Session context\s*$/i;
const ANY_HEADING = /^#{1,6}\s/;
const ENTRY = /^-\s*([^:]+?)\s*:\s*(.*?)\s*$/;

/**
 * The `- key: value` lines of the `## Session context` block that every rendered prompt ends
 * with, up to the next heading.
 */
export function sessionBlock(prompt: string): Record<string, string> {
  const values: Record<string, string> = {};
  let inside = false;
  for (const rawLine of prompt.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (HEADING.test(line)) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (ANY_HEADING.test(line)) break;
    const entry = ENTRY.exec(line);
    if (entry?.[1] !== undefined && entry[2] !== undefined) values[entry[1]] = entry[2];
  }
  return values;
}

/** A prompt value as the session field it was rendered from. */
function fieldValue(field: z.ZodType, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  if (field instanceof z.ZodArray) return splitList(text);
  if (field instanceof z.ZodNullable)
    return text === "" || text.toLowerCase() === "none" ? null : text;
  if (field instanceof z.ZodNumber) return Number(text);
  return text;
}

/** The session's object schema; of a union by task (the sensei's), the one the block's task names. */
function sessionSchema(schema: z.ZodType, block: Record<string, string>): z.ZodObject {
  if (schema instanceof z.ZodObject) return schema;
  const options = (schema as z.ZodDiscriminatedUnion<z.ZodObject[]>).options;
  const named = options.find((option) => option.shape.task?.safeParse(block.task).success);
  return named ?? options[0]!;
}

/**
 * An agent's session as a Gemini request carries it: in the rendered system prompt. The scripted
 * Gemini knows nothing but the request, so it reads the session back from there; a prompt whose
 * block lacks a field the agent needs is refused rather than played from defaults.
 */
export function sessionFromPrompt<A extends AgentName>(agent: A, prompt: string): AgentSession<A> {
  const block = sessionBlock(prompt);
  const schema = sessionSchema(SESSIONS[agent], block);
  const values = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [key, fieldValue(field, block[key])]),
  );
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
    throw new Error(`the ${agent} prompt's session context lacks or garbles: ${fields}`);
  }
  return parsed.data as AgentSession<A>;
}
