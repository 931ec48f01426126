import { createHash } from "node:crypto";
import type { CollectionReference, WriteBatch } from "firebase-admin/firestore";

/** The largest serialised value kept on the document that owns it. */
export const MAX_INLINE_BYTES = 400 * 1024;
/** Bytes per chunk document: with its name and field this stays well under Firestore's 1 MiB. */
export const CHUNK_BYTES = 900 * 1024;
/**
 * Bytes one commit may carry. Firestore takes 10 MiB requests, but the emulator's gRPC server
 * stops answering above 4 MiB, so commits stay under that everywhere.
 */
const MAX_COMMIT_BYTES = 3.5 * 1024 * 1024;

/**
 * A serialised value (from the saver's serde) as a document field: the bytes themselves, or the
 * address of the chunk documents that hold them. A document holds at most two inline payloads, so
 * no document comes near 1 MiB.
 */
export type StoredPayload =
  | { type: string; bytes: Uint8Array }
  | { type: string; chunks: { digest: string; count: number; size: number } };

/**
 * The payloads of one write. Values too big for one document, or for one commit beside the others,
 * move to chunk documents named by their content digest, so rewriting the same value rewrites the
 * same chunks and a retry never disturbs chunks another document points at.
 */
export class PayloadPlan {
  private inlineBytes = 0;
  private readonly chunks = new Map<string, Uint8Array>();

  constructor(private readonly chunkCollection: CollectionReference) {}

  add(type: string, bytes: Uint8Array): StoredPayload {
    if (bytes.length <= MAX_INLINE_BYTES && this.inlineBytes + bytes.length <= MAX_COMMIT_BYTES) {
      this.inlineBytes += bytes.length;
      return { type, bytes };
    }
    const digest = createHash("sha256").update(bytes).digest("hex");
    const count = Math.ceil(bytes.length / CHUNK_BYTES);
    for (let i = 0; i < count; i++) {
      this.chunks.set(`${digest}.${i}`, bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
    }
    return { type, chunks: { digest, count, size: bytes.length } };
  }

  get hasChunks(): boolean {
    return this.chunks.size > 0;
  }

  /**
   * A batch for the documents that point at this plan's payloads. The chunk documents go first:
   * into the batch itself when everything fits in one commit, otherwise in commits of their own,
   * made before this returns.
   */
  async startBatch(): Promise<WriteBatch> {
    const firestore = this.chunkCollection.firestore;
    const batch = firestore.batch();
    const chunkBytes = [...this.chunks.values()].reduce((sum, c) => sum + c.length, 0);
    if (this.inlineBytes + chunkBytes <= MAX_COMMIT_BYTES) {
      for (const [id, data] of this.chunks) batch.set(this.chunkCollection.doc(id), { data });
      return batch;
    }
    const perCommit = Math.floor(MAX_COMMIT_BYTES / CHUNK_BYTES);
    const entries = [...this.chunks];
    for (let i = 0; i < entries.length; i += perCommit) {
      const commit = firestore.batch();
      for (const [id, data] of entries.slice(i, i + perCommit)) {
        commit.set(this.chunkCollection.doc(id), { data });
      }
      await commit.commit();
    }
    return batch;
  }
}

/** The bytes of a stored payload, reassembled from its chunks when it has them. */
export async function loadPayload(
  chunkCollection: CollectionReference,
  payload: StoredPayload,
): Promise<Uint8Array> {
  if ("bytes" in payload) return payload.bytes;
  const { digest, count, size } = payload.chunks;
  const refs = Array.from({ length: count }, (_, i) => chunkCollection.doc(`${digest}.${i}`));
  const snapshots = refs.length > 0 ? await chunkCollection.firestore.getAll(...refs) : [];
  const parts = snapshots.map((snapshot) => {
    const data: unknown = snapshot.get("data");
    if (!(data instanceof Uint8Array))
      throw new Error(`Checkpoint chunk ${snapshot.id} is missing`);
    return data;
  });
  const bytes = Buffer.concat(parts);
  if (bytes.length !== size) throw new Error(`Checkpoint value ${digest} is incomplete`);
  return bytes;
}

/** Reads a payload field written by `PayloadPlan.add`, rejecting anything else. */
export function parsePayload(value: unknown): StoredPayload {
  if (typeof value === "object" && value !== null && "type" in value) {
    const { type } = value;
    if (typeof type === "string" && "bytes" in value && value.bytes instanceof Uint8Array) {
      return { type, bytes: value.bytes };
    }
    if (typeof type === "string" && "chunks" in value) {
      const { chunks } = value;
      if (
        typeof chunks === "object" &&
        chunks !== null &&
        "digest" in chunks &&
        "count" in chunks &&
        "size" in chunks &&
        typeof chunks.digest === "string" &&
        typeof chunks.count === "number" &&
        typeof chunks.size === "number"
      ) {
        return { type, chunks: { digest: chunks.digest, count: chunks.count, size: chunks.size } };
      }
    }
  }
  throw new Error("Malformed checkpoint payload");
}
