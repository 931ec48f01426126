import type { ChannelVersions } from "@langchain/langgraph-checkpoint";
import type { DocumentData } from "firebase-admin/firestore";
import { parsePayload, type StoredPayload } from "./payload.js";

type ChannelVersion = ChannelVersions[string];

/** `{thread}/checkpoints/{ns|id}`: the checkpoint without its channel values. */
export interface CheckpointDoc {
  ns: string;
  checkpointId: string;
  parentId: string | null;
  checkpoint: StoredPayload;
  metadata: StoredPayload;
  /** What queries need of the metadata (the whole of it is in `metadata`). */
  meta: { source: string | null; step: number | null };
  /** The channel values this checkpoint stored itself (the seeds of delta channels). */
  blobs: BlobRef[];
  /** The turn that wrote it (`configurable.turn_id`), or null. */
  turn: string | null;
}

export interface BlobRef {
  channel: string;
  version: ChannelVersion;
}

/** `{thread}/blobs/{ns|channel|version}`: one channel value, written once per version. */
export interface BlobDoc extends BlobRef {
  ns: string;
  value: StoredPayload;
}

/** `{thread}/writes/{ns|checkpoint|task|idx}`: one pending write against a checkpoint. */
export interface WriteDoc {
  ns: string;
  checkpointId: string;
  taskId: string;
  taskPath: string;
  idx: number;
  channel: string;
  value: StoredPayload;
  /** The turn that wrote it (`configurable.turn_id`), or null. */
  turn: string | null;
}

/** What `getDeltaChannelHistory` reads of a checkpoint to walk the chain. */
export type Lineage = Pick<CheckpointDoc, "checkpointId" | "parentId" | "blobs" | "turn">;
export const LINEAGE_FIELDS = ["checkpointId", "parentId", "blobs", "turn"] as const;

function malformed(field: string): Error {
  return new Error(`Malformed checkpoint document: ${field}`);
}

function string(data: DocumentData, field: string): string {
  const value: unknown = data[field];
  if (typeof value !== "string") throw malformed(field);
  return value;
}

/** Documents written before turns were recorded have no `turn`. */
function turn(data: DocumentData): string | null {
  const value: unknown = data.turn;
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw malformed("turn");
  return value;
}

function version(value: unknown): ChannelVersion {
  if (typeof value !== "string" && typeof value !== "number") throw malformed("version");
  return value;
}

/** The metadata a query can filter on: `list` answers a `source` filter from an index. */
export function queryableMeta(metadata: { source?: string; step?: number }): CheckpointDoc["meta"] {
  return { source: metadata.source ?? null, step: metadata.step ?? null };
}

export function readLineage(data: DocumentData): Lineage {
  const parentId: unknown = data.parentId;
  if (parentId !== null && typeof parentId !== "string") throw malformed("parentId");
  const blobs: unknown = data.blobs;
  if (!Array.isArray(blobs)) throw malformed("blobs");
  return {
    checkpointId: string(data, "checkpointId"),
    parentId,
    blobs: blobs.map((ref: unknown) => {
      if (typeof ref !== "object" || ref === null || !("channel" in ref) || !("version" in ref)) {
        throw malformed("blobs");
      }
      if (typeof ref.channel !== "string") throw malformed("blobs");
      return { channel: ref.channel, version: version(ref.version) };
    }),
    turn: turn(data),
  };
}

/** A checkpoint document as reads need it (the query-only `meta` left out). */
export type StoredCheckpoint = Omit<CheckpointDoc, "meta">;

export function readCheckpointDoc(data: DocumentData): StoredCheckpoint {
  return {
    ...readLineage(data),
    ns: string(data, "ns"),
    checkpoint: parsePayload(data.checkpoint),
    metadata: parsePayload(data.metadata),
  };
}

export function readBlobDoc(data: DocumentData): BlobDoc {
  return {
    ns: string(data, "ns"),
    channel: string(data, "channel"),
    version: version(data.version),
    value: parsePayload(data.value),
  };
}

export function readWriteDoc(data: DocumentData): WriteDoc {
  const idx: unknown = data.idx;
  if (typeof idx !== "number") throw malformed("idx");
  return {
    ns: string(data, "ns"),
    checkpointId: string(data, "checkpointId"),
    taskId: string(data, "taskId"),
    taskPath: string(data, "taskPath"),
    idx,
    channel: string(data, "channel"),
    value: parsePayload(data.value),
    turn: turn(data),
  };
}
