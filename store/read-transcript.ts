import type { TranscriptEntry } from "../domain/index.js";
import type { TranscriptStore } from "./ports.js";

const PAGE = 500;

/** A conversation's whole transcript, in order, read a page at a time. */
export async function readTranscript(
  transcripts: TranscriptStore,
  threadId: string,
): Promise<TranscriptEntry[]> {
  const entries: TranscriptEntry[] = [];
  for (;;) {
    const page = await transcripts.list(threadId, { afterSeq: entries.at(-1)?.seq, limit: PAGE });
    entries.push(...page);
    if (page.length < PAGE) return entries;
  }
}
