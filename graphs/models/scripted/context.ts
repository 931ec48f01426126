import { SystemMessage, type BaseMessage } from "@langchain/core/messages";

const HEADING = /^##\s+Session context\s*$/i;
const ANY_HEADING = /^#{1,6}\s/;
const ENTRY = /^-\s*([^:]+?)\s*:\s*(.*?)\s*$/;

/**
 * Reads the `## Session context` block that every rendered system prompt ends with.
 * Only `- key: value` lines between that heading and the next heading count.
 */
export function parseSessionContext(messages: readonly BaseMessage[]): Record<string, string> {
  const system = messages.find(
    (message) => SystemMessage.isInstance(message) && hasContextHeading(message.text),
  );
  return system ? parseContextBlock(system.text) : {};
}

export function parseContextBlock(prompt: string): Record<string, string> {
  const context: Record<string, string> = {};
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
    if (entry?.[1] !== undefined && entry[2] !== undefined) context[entry[1]] = entry[2];
  }
  return context;
}

function hasContextHeading(prompt: string): boolean {
  return prompt.split(/\r?\n/).some((line) => HEADING.test(line.trim()));
}

const NO_NAME = new Set(["", "there", "null", "undefined", "learner"]);

/** The learner's name, or undefined when the context only carries a placeholder. */
export function learnerNameFrom(context: Record<string, string>): string | undefined {
  const name = context["learner_name"]?.trim() ?? "";
  return NO_NAME.has(name.toLowerCase()) ? undefined : name;
}
