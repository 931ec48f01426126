const NO_NAME = new Set(["", "there", "null", "undefined", "learner"]);

/** The learner's name, or undefined when the session only carries a placeholder. */
export function learnerName(name: string): string | undefined {
  const trimmed = name.trim();
  return NO_NAME.has(trimmed.toLowerCase()) ? undefined : trimmed;
}
