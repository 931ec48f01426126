import { z } from "zod";

export const TranscriptRoleSchema = z.enum(["learner", "agent"]);
export type TranscriptRole = z.infer<typeof TranscriptRoleSchema>;

/**
 * One learner-visible message of a conversation, as the transcript log keeps it: written before
 * its frame is sent and never rewritten. `seq` orders a conversation's entries (1, 2, …); `id` is
 * the message's id, unique in the conversation; `turn_id` is the id of the learner message whose
 * turn produced it.
 */
export const TranscriptEntrySchema = z.object({
  seq: z.number().int().positive(),
  id: z.string().min(1),
  role: TranscriptRoleSchema,
  /** The agent that spoke (`polaris`, `mission_ally`, `mission_sensei`); null for the learner. */
  agent: z.string().nullable(),
  /** The graph node that produced an agent message, as the graph drawing names it, when known. */
  node: z.string().nullable(),
  text: z.string(),
  turn_id: z.string(),
  /** When the entry was written (ISO-8601 UTC). */
  at: z.string(),
});
export type TranscriptEntry = z.infer<typeof TranscriptEntrySchema>;

/** An entry to append: the log numbers it and stamps the time. */
export type NewTranscriptEntry = Omit<TranscriptEntry, "seq" | "at">;

/**
 * What a conversation's graph state has taken in of its transcript: every entry up to `seq`, and
 * the entries of turn `turn` (the last turn the state ran, whose entries may come after `seq`).
 * Entries past that were shown to the learner by a turn whose checkpoint never landed.
 */
export const TranscriptMarkSchema = z.object({
  seq: z.number().int().min(0),
  turn: z.string(),
});
export type TranscriptMark = z.infer<typeof TranscriptMarkSchema>;

export const NO_TRANSCRIPT_MARK: TranscriptMark = { seq: 0, turn: "" };

/** The entries after `mark` that the graph state has not taken in. */
export function unabsorbedEntries(
  entries: readonly TranscriptEntry[],
  mark: TranscriptMark,
): TranscriptEntry[] {
  return entries.filter((entry) => entry.seq > mark.seq && entry.turn_id !== mark.turn);
}
