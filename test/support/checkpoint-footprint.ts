import type { Database } from "better-sqlite3";
import type { DocumentData, Firestore } from "firebase-admin/firestore";
import { DEFAULT_CHECKPOINT_ROOT } from "../../store/firestore/index.js";
import { encodeKey } from "../../store/firestore/saver-keys.js";
import { documentSize } from "./firestore-document-size.js";

/**
 * What one turn stored: its checkpoint and everything written with it, and its entries in the
 * conversation's transcript log (the learner's message and the replies shown).
 */
export interface TurnFootprint {
  turn: number;
  /** Documents (Firestore) or rows (SQLite) the turn wrote. */
  writes: number;
  bytes: number;
}

/** Entries and bytes of each turn's transcript entries, turn by turn in the log's order. */
function transcriptTurns(entries: { turn: string; bytes: number }[]): TurnFootprint[] {
  const turns = new Map<string, TurnFootprint>();
  for (const entry of entries) {
    const turn = turns.get(entry.turn) ?? { turn: turns.size + 1, writes: 0, bytes: 0 };
    turn.writes += 1;
    turn.bytes += entry.bytes;
    turns.set(entry.turn, turn);
  }
  return [...turns.values()];
}

/** Adds each turn's transcript entries to the turn's checkpoint writes. */
function withTranscript(turns: TurnFootprint[], logged: TurnFootprint[]): TurnFootprint[] {
  return turns.map((turn, i) => ({
    turn: turn.turn,
    writes: turn.writes + (logged[i]?.writes ?? 0),
    bytes: turn.bytes + (logged[i]?.bytes ?? 0),
  }));
}

export interface ThreadFootprint {
  turns: TurnFootprint[];
  /** The largest document (Firestore) or row (SQLite) anywhere in the thread. */
  largest: { path: string; bytes: number };
}

interface StoredDoc {
  path: string;
  data: DocumentData;
  bytes: number;
}

/** Chunk documents a payload field points at. */
function chunkIds(payload: unknown): string[] {
  if (typeof payload !== "object" || payload === null || !("chunks" in payload)) return [];
  const { digest, count } = payload.chunks as { digest: string; count: number };
  return Array.from({ length: count }, (_, i) => `${digest}.${i}`);
}

/**
 * Per-turn writes of one Firestore thread, read back from the saver's collections. A turn (saved
 * with `durability: "exit"`) writes its checkpoint, the blobs that checkpoint introduced, and its
 * pending writes anchored on the previous checkpoint (on a new thread, on a stub it also writes),
 * plus any chunks those point at.
 */
export async function firestoreThreadFootprint(
  firestore: Firestore,
  threadId: string,
  root = DEFAULT_CHECKPOINT_ROOT,
): Promise<ThreadFootprint> {
  const thread = firestore.collection(root).doc(encodeKey(threadId));
  const read = async (name: string) => {
    const docs = new Map<string, StoredDoc>();
    for (const snapshot of (await thread.collection(name).get()).docs) {
      const data = snapshot.data();
      const path = snapshot.ref.path;
      docs.set(snapshot.id, { path, data, bytes: documentSize(path, data) });
    }
    return docs;
  };
  const [checkpoints, blobs, writes, chunks, transcript] = await Promise.all([
    read("checkpoints"),
    read("blobs"),
    read("writes"),
    read("chunks"),
    firestore.collection("transcripts").doc(encodeKey(threadId)).collection("entries").get(),
  ]);
  const logged = transcriptTurns(
    transcript.docs.map((doc) => ({
      turn: String(doc.get("turn_id")),
      bytes: documentSize(doc.ref.path, doc.data()),
    })),
  );
  const all = [checkpoints, blobs, writes, chunks].flatMap((docs) => [...docs.values()]);
  const largest = all.reduce((max, doc) => (doc.bytes > max.bytes ? doc : max), {
    path: "",
    bytes: 0,
  });

  const byCheckpointId = new Map([...checkpoints.values()].map((d) => [d.data.checkpointId, d]));
  const turns = [...checkpoints.values()]
    .filter((d) => d.data.ns === "" && d.data.meta.step !== -2)
    .sort((a, b) => (a.data.checkpointId < b.data.checkpointId ? -1 : 1))
    .map((checkpoint, i): TurnFootprint => {
      const parent = byCheckpointId.get(checkpoint.data.parentId);
      const ns = checkpoint.data.ns;
      const docs: StoredDoc[] = [
        checkpoint,
        ...(parent?.data.meta.step === -2 ? [parent] : []),
        ...[...blobs.values()].filter((b) =>
          (checkpoint.data.blobs as { channel: string; version: unknown }[]).some(
            (ref) =>
              b.data.ns === ns && b.data.channel === ref.channel && b.data.version === ref.version,
          ),
        ),
        ...[...writes.values()].filter(
          (w) => w.data.ns === ns && w.data.checkpointId === checkpoint.data.parentId,
        ),
      ];
      const payloads = docs.flatMap((d) => [d.data.checkpoint, d.data.metadata, d.data.value]);
      const chunked = payloads.flatMap(chunkIds).flatMap((id) => chunks.get(id) ?? []);
      const turnDocs = [...docs, ...chunked];
      return {
        turn: i + 1,
        writes: turnDocs.length,
        bytes: turnDocs.reduce((sum, d) => sum + d.bytes, 0),
      };
    });
  return {
    turns: withTranscript(turns, logged),
    largest: { path: largest.path, bytes: largest.bytes },
  };
}

/**
 * Per-turn rows and bytes of one thread in LangGraph's SQLite checkpoint tables and in the
 * transcript log's table.
 */
export function sqliteThreadFootprint(db: Database, threadId: string): ThreadFootprint {
  const checkpoints = db
    .prepare<[string], { id: string; parent: string | null; step: number; bytes: number }>(
      `SELECT checkpoint_id AS id, parent_checkpoint_id AS parent,
              json_extract(CAST(metadata AS TEXT), '$.step') AS step,
              length(thread_id) + length(checkpoint_ns) + length(checkpoint_id)
                + coalesce(length(parent_checkpoint_id), 0) + coalesce(length(type), 0)
                + length(checkpoint) + length(metadata) AS bytes
       FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = '' ORDER BY checkpoint_id`,
    )
    .all(threadId);
  const writes = db
    .prepare<[string], { id: string; rows: number; bytes: number; largest: number }>(
      `SELECT checkpoint_id AS id, count(*) AS rows,
              sum(length(thread_id) + length(checkpoint_ns) + length(checkpoint_id)
                + length(task_id) + 8 + length(channel) + coalesce(length(type), 0)
                + length(value)) AS bytes,
              max(length(value)) AS largest
       FROM writes WHERE thread_id = ? AND checkpoint_ns = '' GROUP BY checkpoint_id`,
    )
    .all(threadId);
  const writesOn = new Map(writes.map((w) => [w.id, w]));
  const stubs = new Map(checkpoints.filter((c) => c.step === -2).map((c) => [c.id, c]));
  const turns = checkpoints
    .filter((c) => c.step !== -2)
    .map((c, i): TurnFootprint => {
      const anchored = c.parent ? writesOn.get(c.parent) : undefined;
      const stub = c.parent ? stubs.get(c.parent) : undefined;
      return {
        turn: i + 1,
        writes: 1 + (anchored?.rows ?? 0) + (stub ? 1 : 0),
        bytes: c.bytes + (anchored?.bytes ?? 0) + (stub?.bytes ?? 0),
      };
    });
  const logged = transcriptTurns(
    db
      .prepare<[string], { turn: string; bytes: number }>(
        `SELECT turn_id AS turn,
                length(thread_id) + 8 + length(id) + length(role) + coalesce(length(agent), 0)
                  + coalesce(length(node), 0) + length(text) + length(turn_id) + length(at) AS bytes
         FROM transcript_entries WHERE thread_id = ? ORDER BY seq`,
      )
      .all(threadId),
  );
  const largestRow = Math.max(
    0,
    ...checkpoints.map((c) => c.bytes),
    ...writes.map((w) => w.largest),
  );
  return {
    turns: withTranscript(turns, logged),
    largest: { path: `sqlite thread ${threadId}`, bytes: largestRow },
  };
}
