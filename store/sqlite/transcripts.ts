import type { Database } from "better-sqlite3";
import {
  TranscriptEntrySchema,
  isoNow,
  type Clock,
  type NewTranscriptEntry,
  type TranscriptEntry,
} from "../../domain/index.js";
import type { TranscriptStore } from "../ports.js";
import { fenceCheck } from "./leases.js";
import { fromRow, insertSql, toRow, type Row } from "./rows.js";

const TABLE = "transcript_entries";

export function createSqliteTranscriptStore(db: Database, clock: Clock): TranscriptStore {
  const insert = db.prepare(insertSql(TABLE, TranscriptEntrySchema, ["thread_id"]));
  const byId = db.prepare<[string, string], Row>(
    `SELECT * FROM ${TABLE} WHERE thread_id = ? AND id = ?`,
  );
  const lastSeq = db.prepare<[string], { seq: number | null }>(
    `SELECT MAX(seq) AS seq FROM ${TABLE} WHERE thread_id = ?`,
  );
  const page = db.prepare<[string, number, number], Row>(
    `SELECT * FROM ${TABLE} WHERE thread_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
  );
  const read = (row: Row) => fromRow(TranscriptEntrySchema, row, TABLE);
  const assertFence = fenceCheck(db);

  const append = db.transaction(
    (threadId: string, entries: NewTranscriptEntry[], fence?: number) => {
      if (fence !== undefined) assertFence(threadId, fence);
      let seq = lastSeq.get(threadId)?.seq ?? 0;
      const at = isoNow(clock);
      return entries.map((entry): TranscriptEntry => {
        const stored = byId.get(threadId, entry.id);
        if (stored) return read(stored);
        seq += 1;
        const record = { ...entry, seq, at };
        insert.run({ ...toRow(TranscriptEntrySchema, record), thread_id: threadId });
        return record;
      });
    },
  );

  return {
    async append(threadId, entries, options = {}) {
      // IMMEDIATE takes the write lock first, so processes sharing the file never pick one seq
      // twice, and no takeover lands between the fence check and the insert.
      return append.immediate(threadId, entries, options.fence);
    },
    async list(threadId, options = {}) {
      const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
      return page.all(threadId, options.afterSeq ?? 0, limit).map(read);
    },
  };
}
