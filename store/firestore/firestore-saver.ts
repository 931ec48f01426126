import { randomInt } from "node:crypto";
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  TASKS,
  WRITES_IDX_MAP,
  compareWritesSortKeys,
  copyCheckpoint,
  getCheckpointId,
  maxChannelVersion,
  writesSortKey,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type DeltaChannelHistory,
  type PendingWrite,
  type SerializerProtocol,
} from "@langchain/langgraph-checkpoint";
import {
  FieldPath,
  type CollectionReference,
  type DocumentReference,
  type Firestore,
  type Query,
} from "firebase-admin/firestore";
import { leaseTokenOf, type FencedThreadDelete } from "../leases.js";
import { replaysInto, turnOf } from "../turns.js";
import {
  DEFAULT_TRANSACTION_LIMITS,
  boundedTransactions,
  type RunTransaction,
} from "./bounded-transaction.js";
import { ALREADY_EXISTS, hasStatus } from "./grpc-status.js";
import { addFence, fencedCommit } from "./lease-fence.js";
import { PayloadPlan, loadPayload, type StoredPayload } from "./payload.js";
import {
  LINEAGE_FIELDS,
  queryableMeta,
  readBlobDoc,
  readCheckpointDoc,
  readLineage,
  readWriteDoc,
  type BlobRef,
  type CheckpointDoc,
  type Lineage,
  type StoredCheckpoint,
  type WriteDoc,
} from "./saver-documents.js";
import { compositeKey, decodeKey, encodeKey, versionKey } from "./saver-keys.js";

export const DEFAULT_CHECKPOINT_ROOT = "langgraph_threads";

/** Firestore's limit on the values of one `in` filter. */
const MAX_IN_VALUES = 30;
/** Checkpoints read per page while walking a delta channel's ancestors; later pages double. */
const FIRST_LINEAGE_PAGE = 16;

interface Thread {
  checkpoints: CollectionReference;
  blobs: CollectionReference;
  writes: CollectionReference;
  chunks: CollectionReference;
}

interface Target {
  threadId: string | undefined;
  ns: string;
  checkpointId: string | undefined;
}

function optionalString(configurable: Record<string, unknown>, key: string): string | undefined {
  const value = configurable[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Error(`configurable.${key} must be a string`);
  return value;
}

function readTarget(config: RunnableConfig): Target {
  const configurable: Record<string, unknown> = config.configurable ?? {};
  return {
    threadId: optionalString(configurable, "thread_id"),
    ns: optionalString(configurable, "checkpoint_ns") ?? "",
    checkpointId: getCheckpointId(config) || undefined,
  };
}

function requireThread(target: Target, action: string): string {
  if (!target.threadId) {
    throw new Error(`Failed to ${action}: the config has no configurable.thread_id`);
  }
  return target.threadId;
}

function byWritesSortKey(a: WriteDoc, b: WriteDoc): number {
  return compareWritesSortKeys(
    writesSortKey(a.taskPath, a.taskId, a.idx),
    writesSortKey(b.taskPath, b.taskId, b.idx),
  );
}

/**
 * A LangGraph checkpointer on Cloud Firestore.
 *
 * Each thread is a document under `root` with four subcollections: `checkpoints` (the checkpoint
 * without its channel values, plus the metadata), `blobs` (one document per channel version,
 * written only for the channels in `newVersions`), `writes` (pending writes, one document per
 * task and index) and `chunks` (the parts of values too big for one document). Document ids are
 * deterministic, so retries rewrite the same documents. Checkpoints and writes record the turn
 * that wrote them (`configurable.turn_id`, see `store/turns.ts`). A write under a lease token
 * (`configurable.lease_token`, see `store/leases.ts`) carries the fence check in its own commit,
 * and is not applied once the lease has moved on.
 */
export class FirestoreSaver extends BaseCheckpointSaver implements FencedThreadDelete {
  readonly firestore: Firestore;
  private readonly root: CollectionReference;
  private readonly transaction: RunTransaction;

  constructor(options: {
    firestore: Firestore;
    root?: string;
    serde?: SerializerProtocol;
    /** How transactions run; bounded by the default limits when absent. */
    transaction?: RunTransaction;
  }) {
    super(options.serde);
    this.firestore = options.firestore;
    this.root = options.firestore.collection(options.root ?? DEFAULT_CHECKPOINT_ROOT);
    this.transaction =
      options.transaction ?? boundedTransactions(options.firestore, DEFAULT_TRANSACTION_LIMITS);
  }

  private thread(threadId: string): Thread {
    const ref: DocumentReference = this.root.doc(encodeKey(threadId));
    return {
      checkpoints: ref.collection("checkpoints"),
      blobs: ref.collection("blobs"),
      writes: ref.collection("writes"),
      chunks: ref.collection("chunks"),
    };
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const { threadId, ns, checkpointId } = readTarget(config);
    if (!threadId) return undefined;
    const thread = this.thread(threadId);
    let data;
    if (checkpointId) {
      data = (await thread.checkpoints.doc(compositeKey(ns, checkpointId)).get()).data();
    } else {
      const latest = await thread.checkpoints
        .where("ns", "==", ns)
        .orderBy("checkpointId", "desc")
        .limit(1)
        .get();
      data = latest.docs[0]?.data();
    }
    if (!data) return undefined;
    const doc = readCheckpointDoc(data);
    return this.toTuple(thread, threadId, doc, await this.load(thread, doc.metadata));
  }

  async *list(
    config: RunnableConfig,
    options: CheckpointListOptions = {},
  ): AsyncGenerator<CheckpointTuple> {
    const configurable: Record<string, unknown> = config.configurable ?? {};
    const threadId = optionalString(configurable, "thread_id");
    const ns = optionalString(configurable, "checkpoint_ns");
    const checkpointId = optionalString(configurable, "checkpoint_id");
    const beforeId = options.before ? getCheckpointId(options.before) || undefined : undefined;
    const filters: [string, unknown][] = Object.entries(options.filter ?? {});
    // A `source` filter is answered by an index (firestore.indexes.json); other keys, rarely
    // used, are checked on the metadata itself.
    const source = filters.find(([key, value]) => key === "source" && typeof value === "string");
    const filteredInMemory = filters.length > (source ? 1 : 0);
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;

    const threadIds =
      threadId !== undefined
        ? [threadId]
        : (await this.root.listDocuments()).map((ref) => decodeKey(ref.id));
    for (const id of threadIds) {
      if (remaining <= 0) return;
      const thread = this.thread(id);
      let query: Query = thread.checkpoints;
      if (ns !== undefined) query = query.where("ns", "==", ns);
      if (source) query = query.where(new FieldPath("meta", "source"), "==", source[1]);
      if (checkpointId) {
        query = query.where("checkpointId", "==", checkpointId);
      } else {
        if (beforeId) query = query.where("checkpointId", "<", beforeId);
        query = query.orderBy("checkpointId", "desc");
      }
      if (!filteredInMemory && Number.isFinite(remaining)) query = query.limit(remaining);
      for (const snapshot of (await query.get()).docs) {
        const doc = readCheckpointDoc(snapshot.data());
        const metadata = await this.load(thread, doc.metadata);
        if (!filters.every(([key, value]) => metadata[key] === value)) continue;
        yield await this.toTuple(thread, id, doc, metadata);
        remaining -= 1;
        if (remaining <= 0) return;
      }
    }
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const target = readTarget(config);
    const threadId = requireThread(target, "put a checkpoint");
    const { ns } = target;
    const thread = this.thread(threadId);
    const plan = new PayloadPlan(thread.chunks);
    const { channel_values: values, ...withoutValues } = copyCheckpoint(checkpoint);

    const blobs: BlobRef[] = [];
    const blobDocs: [DocumentReference, object][] = [];
    for (const [channel, version] of Object.entries(newVersions)) {
      if (!Object.hasOwn(values, channel) || values[channel] === undefined) continue;
      const [type, bytes] = await this.serde.dumpsTyped(values[channel]);
      blobs.push({ channel, version });
      blobDocs.push([
        thread.blobs.doc(compositeKey(ns, channel, versionKey(version))),
        { ns, channel, version, value: plan.add(type, bytes) },
      ]);
    }
    const doc: CheckpointDoc = {
      ns,
      checkpointId: checkpoint.id,
      parentId: target.checkpointId ?? null,
      checkpoint: plan.add(...(await this.serde.dumpsTyped(withoutValues))),
      metadata: plan.add(...(await this.serde.dumpsTyped(metadata))),
      meta: queryableMeta(metadata),
      blobs,
      turn: turnOf(config),
    };

    // The checkpoint and the values it introduces become visible together.
    const token = leaseTokenOf(config);
    const batch = await plan.startBatch();
    for (const [ref, data] of blobDocs) batch.set(ref, data);
    batch.set(thread.checkpoints.doc(compositeKey(ns, checkpoint.id)), doc);
    addFence(batch, this.firestore, threadId, token);
    await fencedCommit(threadId, token, () => batch.commit());
    return {
      configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id },
    };
  }

  async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath = "",
  ): Promise<void> {
    const target = readTarget(config);
    const threadId = requireThread(target, "put writes");
    const { ns, checkpointId } = target;
    if (!checkpointId) throw new Error("Failed to put writes: the config has no checkpoint_id");
    const thread = this.thread(threadId);
    const plan = new PayloadPlan(thread.chunks);
    const turn = turnOf(config);

    const docs = new Map<string, { ref: DocumentReference; data: WriteDoc; special: boolean }>();
    for (const [i, [channel, value]] of writes.entries()) {
      const idx = WRITES_IDX_MAP[channel] ?? i;
      const [type, bytes] = await this.serde.dumpsTyped(value);
      const id = compositeKey(ns, checkpointId, taskId, String(idx));
      docs.set(id, {
        ref: thread.writes.doc(id),
        data: {
          ns,
          checkpointId,
          taskId,
          taskPath,
          idx,
          channel,
          value: plan.add(type, bytes),
          turn,
        },
        special: idx < 0,
      });
    }
    if (docs.size === 0) return;

    // Regular writes are kept once written; special ones (errors, interrupts, resumes) replace.
    const token = leaseTokenOf(config);
    const batch = await plan.startBatch();
    for (const { ref, data, special } of docs.values()) {
      if (special) batch.set(ref, data);
      else batch.create(ref, data);
    }
    addFence(batch, this.firestore, threadId, token);
    try {
      await fencedCommit(threadId, token, () => batch.commit());
    } catch (error) {
      if (!hasStatus(error, ALREADY_EXISTS)) throw error;
      await this.putWritesKeepingExisting(plan, [...docs.values()], threadId, token);
    }
  }

  /** The slow path of `putWrites`, taken only when some of the writes were already stored. */
  private async putWritesKeepingExisting(
    plan: PayloadPlan,
    docs: { ref: DocumentReference; data: WriteDoc; special: boolean }[],
    threadId: string,
    token: number | null,
  ): Promise<void> {
    if (plan.hasChunks) await (await plan.startBatch()).commit();
    const regular = docs.filter((d) => !d.special);
    await fencedCommit(threadId, token, () =>
      this.transaction(async (tx) => {
        const existing = regular.length > 0 ? await tx.getAll(...regular.map((d) => d.ref)) : [];
        regular.forEach((d, i) => {
          if (!existing[i]?.exists) tx.create(d.ref, d.data);
        });
        for (const d of docs) if (d.special) tx.set(d.ref, d.data);
        addFence(tx, this.firestore, threadId, token);
      }),
    );
  }

  async deleteThread(threadId: string): Promise<void> {
    await this.firestore.recursiveDelete(this.root.doc(encodeKey(threadId)));
  }

  /**
   * Deletes the thread in batches that each carry the fence check, so none is applied once the
   * lease has moved on. Used to undo a conversation's first turn, whose thread is small.
   */
  async deleteThreadFenced(threadId: string, token: number): Promise<void> {
    const thread = this.thread(threadId);
    const refs = (
      await Promise.all(Object.values(thread).map((collection) => collection.listDocuments()))
    ).flat();
    const perBatch = 400;
    for (let i = 0; i < Math.max(refs.length, 1); i += perBatch) {
      const batch = this.firestore.batch();
      for (const ref of refs.slice(i, i + perBatch)) batch.delete(ref);
      addFence(batch, this.firestore, threadId, token);
      await fencedCommit(threadId, token, () => batch.commit());
    }
  }

  /**
   * Answers with a few queries instead of one `getTuple` per ancestor: the chain of checkpoint
   * lineages (ids, parents, turns and which values each stored, in pages that double), then,
   * together, the seeds and the chain's writes for the channels. Only the requested checkpoint's
   * ancestors contribute, and of the writes stored against an ancestor only those that replay into
   * its child on the chain (`replaysInto`), so sibling forks never do. The order is the ancestor
   * walk's: oldest checkpoint first, and `writesSortKey` within one.
   */
  override async getDeltaChannelHistory(options: {
    config: RunnableConfig;
    channels: string[];
  }): Promise<Record<string, DeltaChannelHistory>> {
    const { config, channels } = options;
    const history: Record<string, DeltaChannelHistory> = {};
    for (const channel of channels) history[channel] = { writes: [] };
    const { threadId, ns, checkpointId } = readTarget(config);
    if (channels.length === 0 || !threadId) return history;
    const thread = this.thread(threadId);

    const lineages = new Map<string, Lineage>();
    let pageSize = FIRST_LINEAGE_PAGE;
    const readPage = async (upTo: string | undefined) => {
      let query: Query = thread.checkpoints.where("ns", "==", ns);
      if (upTo) query = query.where("checkpointId", "<=", upTo);
      const page = await query
        .orderBy("checkpointId", "desc")
        .select(...LINEAGE_FIELDS)
        .limit(pageSize)
        .get();
      pageSize *= 2;
      const read = page.docs.map((snapshot) => readLineage(snapshot.data()));
      for (const lineage of read) lineages.set(lineage.checkpointId, lineage);
      return read;
    };

    // The first page starts at the target, so short chains take one read.
    const target = checkpointId
      ? (await readPage(checkpointId), lineages.get(checkpointId))
      : (await readPage(undefined))[0];
    let cursor = target?.parentId;

    // Walk to the nearest ancestor that stored each channel's value, or to the root.
    const chain: Lineage[] = [];
    const seedAt = new Map<string, number>();
    const seeds: BlobRef[] = [];
    const walking = new Set(channels);
    while (cursor && walking.size > 0) {
      if (!lineages.has(cursor)) await readPage(cursor);
      const lineage = lineages.get(cursor);
      if (!lineage) break;
      chain.push(lineage);
      for (const blob of lineage.blobs) {
        if (!walking.delete(blob.channel)) continue;
        seedAt.set(blob.channel, chain.length - 1);
        seeds.push(blob);
      }
      cursor = lineage.parentId;
    }
    if (chain.length === 0) return history;

    const position = new Map(chain.map((lineage, i) => [lineage.checkpointId, i]));
    const onPath = (write: WriteDoc) => {
      const i = position.get(write.checkpointId);
      if (i === undefined || i > (seedAt.get(write.channel) ?? chain.length - 1)) return false;
      const child = i === 0 ? target : chain[i - 1];
      return replaysInto(write.turn, child?.turn ?? null);
    };
    const ids = [...position.keys()].sort();
    const pages = [];
    for (let i = 0; i < channels.length; i += MAX_IN_VALUES) {
      pages.push(
        thread.writes
          .where("ns", "==", ns)
          .where("channel", "in", channels.slice(i, i + MAX_IN_VALUES))
          .where("checkpointId", ">=", ids[0])
          .where("checkpointId", "<=", ids.at(-1))
          .get(),
      );
    }
    const [seedValues, writePages] = await Promise.all([
      this.loadBlobs(thread, ns, seeds),
      Promise.all(pages),
    ]);
    const found = writePages
      .flatMap((page) => page.docs.map((snapshot) => readWriteDoc(snapshot.data())))
      .filter(onPath);
    // Oldest checkpoint first; within one checkpoint, in the order live execution applied them.
    found.sort(
      (a, b) =>
        (position.get(b.checkpointId) ?? 0) - (position.get(a.checkpointId) ?? 0) ||
        byWritesSortKey(a, b),
    );
    for (const write of found) {
      history[write.channel]?.writes.push([
        write.taskId,
        write.channel,
        await this.load(thread, write.value),
      ]);
    }

    for (const [channel, value] of Object.entries(seedValues)) {
      const entry = history[channel];
      if (entry) entry.seed = value;
    }
    return history;
  }

  /**
   * Versions are a zero-padded counter plus a random suffix, so two forks that bump the same
   * channel from the same parent get different versions, and so different blob documents. (The
   * type says number because LangGraph types every saver as `BaseCheckpointSaver<number>`; its
   * runtime compares versions with `>` and `maxChannelVersion`, which order these strings.)
   */
  override getNextVersion(current: number | string | undefined): number {
    const counter =
      typeof current === "string" ? Number.parseInt(current.split(".")[0] ?? "0", 10) : current;
    const suffix = String(randomInt(0, 2 ** 47)).padStart(15, "0");
    const next = `${String((counter ?? 0) + 1).padStart(32, "0")}.${suffix}`;
    return next as unknown as number;
  }

  private async load(thread: Thread, payload: StoredPayload) {
    return this.serde.loadsTyped(payload.type, await loadPayload(thread.chunks, payload));
  }

  private async toTuple(
    thread: Thread,
    threadId: string,
    doc: StoredCheckpoint,
    metadata: CheckpointMetadata,
  ): Promise<CheckpointTuple> {
    const [checkpoint, writes] = await Promise.all([
      this.loadCheckpoint(thread, doc),
      this.loadWrites(thread, doc.ns, doc.checkpointId),
    ]);
    if (checkpoint.v < 4 && doc.parentId) {
      await this.migratePendingSends(thread, doc.ns, doc.parentId, checkpoint);
    }
    const config = { thread_id: threadId, checkpoint_ns: doc.ns };
    const tuple: CheckpointTuple = {
      config: { configurable: { ...config, checkpoint_id: doc.checkpointId } },
      checkpoint,
      metadata,
      pendingWrites: await Promise.all(
        writes.map(async (w): Promise<CheckpointPendingWrite> => [
          w.taskId,
          w.channel,
          await this.load(thread, w.value),
        ]),
      ),
    };
    if (doc.parentId)
      tuple.parentConfig = { configurable: { ...config, checkpoint_id: doc.parentId } };
    return tuple;
  }

  /** The checkpoint with the stored values of its channel versions. */
  private async loadCheckpoint(thread: Thread, doc: StoredCheckpoint): Promise<Checkpoint> {
    const stored: Omit<Checkpoint, "channel_values"> = await this.load(thread, doc.checkpoint);
    const versions = Object.entries(stored.channel_versions).map(([channel, version]) => ({
      channel,
      version,
    }));
    return { ...stored, channel_values: await this.loadBlobs(thread, doc.ns, versions) };
  }

  /** The stored values of the given channel versions; versions with no stored value are left out. */
  private async loadBlobs(
    thread: Thread,
    ns: string,
    refs: BlobRef[],
  ): Promise<Record<string, unknown>> {
    if (refs.length === 0) return {};
    const snapshots = await this.firestore.getAll(
      ...refs.map(({ channel, version }) =>
        thread.blobs.doc(compositeKey(ns, channel, versionKey(version))),
      ),
    );
    const values: Record<string, unknown> = {};
    await Promise.all(
      snapshots.map(async (snapshot) => {
        const data = snapshot.data();
        if (!data) return;
        const blob = readBlobDoc(data);
        values[blob.channel] = await this.load(thread, blob.value);
      }),
    );
    return values;
  }

  /** The writes stored against one checkpoint, in `writesSortKey` order. */
  private async loadWrites(thread: Thread, ns: string, checkpointId: string): Promise<WriteDoc[]> {
    const snapshot = await thread.writes
      .where("ns", "==", ns)
      .where("checkpointId", "==", checkpointId)
      .get();
    return snapshot.docs.map((d) => readWriteDoc(d.data())).sort(byWritesSortKey);
  }

  /** Checkpoints older than format 4 kept pending sends in their parent's writes. */
  private async migratePendingSends(
    thread: Thread,
    ns: string,
    parentId: string,
    checkpoint: Checkpoint,
  ): Promise<void> {
    const sends = (await this.loadWrites(thread, ns, parentId)).filter((w) => w.channel === TASKS);
    checkpoint.channel_values[TASKS] = await Promise.all(
      sends.map((w) => this.load(thread, w.value)),
    );
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] =
      versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }
}
