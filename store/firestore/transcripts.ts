import { Timestamp, type DocumentSnapshot } from "firebase-admin/firestore";
import {
  TranscriptEntrySchema,
  parseRecord,
  type Clock,
  type TranscriptEntry,
} from "../../domain/index.js";
import type { TranscriptStore } from "../ports.js";
import type { Collections } from "./collections.js";
import { encodeKey } from "./saver-keys.js";

const ENTRIES = "entries";

function readEntry(snapshot: DocumentSnapshot): TranscriptEntry {
  const data = snapshot.data() ?? {};
  const at: unknown = data.at;
  return parseRecord(
    TranscriptEntrySchema,
    { ...data, at: at instanceof Timestamp ? at.toDate().toISOString() : at },
    `document ${snapshot.ref.path}`,
  );
}

/**
 * `transcripts/{threadId}` holds the last seq handed out; `…/entries/{messageId}` one entry each.
 * Naming entries by message id makes a retried append find what it already wrote, and an append is
 * one short transaction on the conversation's own documents.
 */
export function createFirestoreTranscriptStore(c: Collections, clock: Clock): TranscriptStore {
  const thread = (threadId: string) => c.transcripts.doc(encodeKey(threadId));

  return {
    async append(threadId, entries) {
      if (entries.length === 0) return [];
      const head = thread(threadId);
      const refs = entries.map((entry) => head.collection(ENTRIES).doc(encodeKey(entry.id)));
      return c.transaction(async (tx) => {
        const [last, ...stored] = await tx.getAll(head, ...refs);
        let seq = Number(last?.get("last_seq") ?? 0);
        const now = clock();
        const appended = new Map<string, TranscriptEntry>();
        const result = entries.map((entry, i) => {
          const existing = stored[i];
          if (existing?.exists) return readEntry(existing);
          const again = appended.get(entry.id);
          if (again) return again;
          seq += 1;
          const record: TranscriptEntry = { ...entry, seq, at: now.toISOString() };
          tx.create(refs[i]!, { ...record, at: Timestamp.fromDate(now) });
          appended.set(entry.id, record);
          return record;
        });
        if (appended.size > 0) tx.set(head, { last_seq: seq, updated_at: Timestamp.fromDate(now) });
        return result;
      });
    },
    async list(threadId, options = {}) {
      let query = thread(threadId)
        .collection(ENTRIES)
        .where("seq", ">", options.afterSeq ?? 0)
        .orderBy("seq");
      if (options.limit !== undefined) query = query.limit(options.limit);
      return (await query.get()).docs.map(readEntry);
    },
  };
}
