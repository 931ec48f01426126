import { z } from "zod";

// The parts of Gemini's `generateContent` request and response this package reads. Everything else
// passes through untouched, so the schemas are loose.

export const Part = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: z
    .looseObject({ name: z.string(), args: z.record(z.string(), z.unknown()).optional() })
    .optional(),
  functionResponse: z.looseObject({ name: z.string(), response: z.unknown() }).optional(),
});
export type Part = z.infer<typeof Part>;

export const Content = z.looseObject({
  role: z.string().optional(),
  parts: z.array(Part).default([]),
});
export type Content = z.infer<typeof Content>;

export const GenerateContentRequest = z.looseObject({
  contents: z.array(Content),
  systemInstruction: z.union([z.string(), Content]).optional(),
  tools: z.array(z.record(z.string(), z.unknown())).optional(),
  generationConfig: z.looseObject({ responseSchema: z.unknown().optional() }).optional(),
});
export type GenerateContentRequest = z.infer<typeof GenerateContentRequest>;

export const Candidate = z.looseObject({
  content: Content.optional(),
  finishReason: z.string().optional(),
  index: z.number().optional(),
});
export type Candidate = z.infer<typeof Candidate>;

export const GenerateContentResponse = z.looseObject({
  candidates: z.array(Candidate).optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
  usageMetadata: z
    .looseObject({
      promptTokenCount: z.number().optional(),
      candidatesTokenCount: z.number().optional(),
      thoughtsTokenCount: z.number().optional(),
      totalTokenCount: z.number().optional(),
    })
    .optional(),
});
export type GenerateContentResponse = z.infer<typeof GenerateContentResponse>;

/** `POST /{version}/models/{model}:{method}` as the Gemini SDK calls it. */
export function parseModelPath(
  path: string,
): { version: string; model: string; method: "generateContent" | "streamGenerateContent" } | null {
  const match = /^\/([^/]+)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (!match) return null;
  const [, version, model, method] = match as unknown as [
    string,
    string,
    string,
    "generateContent" | "streamGenerateContent",
  ];
  return { version, model: decodeURIComponent(model), method };
}

/** An error body in Google's format, which the SDK turns into its error message. */
export function googleError(code: number, status: string, message: string, details?: unknown[]) {
  return { error: { code, status, message, ...(details ? { details } : {}) } };
}
