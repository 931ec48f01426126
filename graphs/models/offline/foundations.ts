import type { Level } from "../../../domain/index.js";
import { hasPhrase } from "./language.js";

type Field = "code" | "maths" | "language" | "general";

const FIELD_CUES: Record<Exclude<Field, "general">, readonly string[]> = {
  code: [
    "python",
    "javascript",
    "typescript",
    "java",
    "rust",
    "golang",
    "c++",
    "c#",
    "sql",
    "html",
    "css",
    "react",
    "programming",
    "coding",
    "code",
    "software",
    "web development",
    "data analysis",
    "data science",
    "machine learning",
    "excel",
    "app",
    "apps",
  ],
  maths: [
    "maths",
    "math",
    "mathematics",
    "statistics",
    "calculus",
    "algebra",
    "geometry",
    "probability",
    "physics",
    "economics",
  ],
  language: [
    "spanish",
    "french",
    "german",
    "italian",
    "portuguese",
    "japanese",
    "chinese",
    "mandarin",
    "korean",
    "arabic",
    "english",
    "hindi",
    "russian",
    "dutch",
  ],
};

const PREREQUISITES: Record<Field, Record<Level, string>> = {
  code: {
    Beginner: "basic computer skills and simple maths",
    Intermediate: "writing small programs with variables, loops and functions",
    Advanced: "structuring larger projects and debugging your own code",
  },
  maths: {
    Beginner: "everyday arithmetic and working with fractions",
    Intermediate: "algebra and reading graphs",
    Advanced: "calculus and linear algebra",
  },
  language: {
    Beginner: "reading the alphabet and sounding out simple words",
    Intermediate: "everyday vocabulary and present-tense sentences",
    Advanced: "holding a conversation on familiar subjects",
  },
  general: {
    Beginner: "the everyday terms people use when they talk about it",
    Intermediate: "the core ideas and how they fit together",
    Advanced: "the standard techniques and their trade-offs",
  },
};

function fieldOf(topic: string): Field {
  if (hasPhrase(topic, FIELD_CUES.code)) return "code";
  if (hasPhrase(topic, FIELD_CUES.maths)) return "maths";
  if (hasPhrase(topic, FIELD_CUES.language)) return "language";
  return "general";
}

/** The foundations a topic at a given level builds on, phrased to follow "comfortable with". */
export function prerequisitesFor(topic: string, level: Level): string {
  return PREREQUISITES[fieldOf(topic)][level];
}
