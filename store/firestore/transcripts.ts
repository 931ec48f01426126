import { FieldPath, Timestamp, type DocumentSnapshot } from "firebase-admin/firestore";
import {
  TranscriptEntrySchema,
  parseRecord,
  type Clock,
  type TranscriptEntry,
} from "../../domain/index.js";
import { StoreBusyError } from "../errors.js";
import type { TranscriptStore } from "../ports.js";
import type { Collections } from "./collections.js";
import { ALREADY_EXISTS, hasStatus } from "./grpc-status.js";
import { addFence, fencedCommit } from "./lease-fence.js";
import { encodeKey } from "./saver-keys.js";

const ENTRIES = "entries";
/** Firestore's limit on the values of one `in` filter. */
const MAX_IN_VALUES = 30;
/** Appends that lose the race for their seqs to another writer, before giving up. */
const MAX_ATTEMPTS = 5;

function readEntry(snapshot: DocumentSnapshot): TranscriptEntry {
  const data = snapshot.data() ?? {};
  const at: unknown = data.at;
  return parseRecord(
    TranscriptEntrySchema,
    { ...data, at: at instanceof Timestamp ? at.toDate().toISOString() : at },
    `document ${snapshot.ref.path}`,
  );
}

/** Entry documents are named by seq, zero-padded so that names sort as seqs do. */
const seqKey = (seq: number) => String(seq).padStart(12, "0");

/**
 * `transcripts/{threadId}/entries/{seq}`, one document per entry. An append takes no transaction,
 * and so can never be held up by the lock of a process killed mid-transaction: it reads the last
 * seq, then looks its ids up, then creates the new entries in one batch under the next seqs. A
 * writer that loses the race for a seq fails to create it, and reads again; reading the last seq
 * before the ids means that an entry appended meanwhile is either found or collides. An append
 * under a lease token carries the fence check in the same batch (see `addFence`).
 */
export function createFirestoreTranscriptStore(c: Collections, clock: Clock): TranscriptStore {
  const entriesOf = (threadId: string) =>
    c.transcripts.doc(encodeKey(threadId)).collection(ENTRIES);

  return {
    async append(threadId, entries, options = {}) {
      if (entries.length === 0) return [];
      const collection = entriesOf(threadId);
      const ids = [...new Set(entries.map((entry) => entry.id))];
      for (let attempt = 1; ; attempt++) {
        const last = await collection.orderBy("seq", "desc").limit(1).get();
        const pages = [];
        for (let i = 0; i < ids.length; i += MAX_IN_VALUES) {
          pages.push(collection.where("id", "in", ids.slice(i, i + MAX_IN_VALUES)).get());
        }
        const stored = new Map<string, TranscriptEntry>();
        for (const page of await Promise.all(pages)) {
          for (const snapshot of page.docs)
            stored.set(String(snapshot.get("id")), readEntry(snapshot));
        }
        let seq = Number(last.docs[0]?.get("seq") ?? 0);
        const now = clock();
        const batch = c.firestore.batch();
        const fence = options.fence ?? null;
        addFence(batch, c.firestore, threadId, fence);
        const result = entries.map((entry) => {
          const known = stored.get(entry.id);
          if (known) return known;
          seq += 1;
          const record: TranscriptEntry = { ...entry, seq, at: now.toISOString() };
          batch.create(collection.doc(seqKey(seq)), { ...record, at: Timestamp.fromDate(now) });
          stored.set(entry.id, record);
          return record;
        });
        try {
          await fencedCommit(threadId, fence, () => batch.commit());
          return result;
        } catch (error) {
          if (!hasStatus(error, ALREADY_EXISTS)) throw error;
          if (attempt === MAX_ATTEMPTS) {
            throw new StoreBusyError("other writers kept taking this transcript's next seqs", {
              cause: error,
            });
          }
        }
      }
    },
    async list(threadId, options = {}) {
      let query = entriesOf(threadId)
        .where(FieldPath.documentId(), ">", seqKey(options.afterSeq ?? 0))
        .orderBy(FieldPath.documentId());
      if (options.limit !== undefined) query = query.limit(options.limit);
      return (await query.get()).docs.map(readEntry);
    },
  };
}
