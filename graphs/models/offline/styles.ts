const TEACHING_STYLES = ["examples", "analogies", "step-by-step", "visual", "hands-on"] as const;
export type TeachingStyle = (typeof TEACHING_STYLES)[number];

const STYLE_CUES: Record<TeachingStyle, RegExp> = {
  examples: /example/i,
  analogies: /analog|metaphor|stor/i,
  "step-by-step": /step|structur|sequen/i,
  visual: /visual|diagram|picture|image/i,
  "hands-on": /hands|practi|doing|kinesthetic|interactive|exercise/i,
};

/** The recognised styles among a learner's `learning_style` tags, in their order, without repeats. */
export function teachingStyles(learningStyle: readonly string[]): TeachingStyle[] {
  const styles: TeachingStyle[] = [];
  for (const tag of learningStyle) {
    const style = TEACHING_STYLES.find((candidate) => STYLE_CUES[candidate].test(tag));
    if (style !== undefined && !styles.includes(style)) styles.push(style);
  }
  return styles;
}
