import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import {
  WRITES_IDX_MAP,
  copyCheckpoint,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type DeltaChannelHistory,
  type PendingWrite,
} from "@langchain/langgraph-checkpoint";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Database, Statement, Transaction } from "better-sqlite3";
import { leaseTokenOf, type FencedThreadDelete } from "../leases.js";
import { replaysInto, turnOf } from "../turns.js";
import { fenceCheck } from "./leases.js";

interface ChainRow {
  checkpoint_id: string;
  type: string | null;
  seeded: number;
  turn_id: string | null;
}

interface WriteRow {
  checkpoint_id: string;
  task_id: string;
  channel: string;
  type: string | null;
  value: Uint8Array;
  turn_id: string | null;
}

// The target, then its ancestors up to the first one that stores the channel, oldest first.
const CHAIN = `
  WITH RECURSIVE chain(checkpoint_id, parent_checkpoint_id, type, depth, seeded, turn_id) AS (
    SELECT checkpoint_id, parent_checkpoint_id, type, 0, 0, turn_id FROM checkpoints
    WHERE thread_id = @thread AND checkpoint_ns = @ns AND checkpoint_id = @target
    UNION ALL
    SELECT c.checkpoint_id, c.parent_checkpoint_id, c.type, chain.depth + 1,
      json_type(CAST(c.checkpoint AS TEXT), @path) IS NOT NULL, c.turn_id
    FROM checkpoints c JOIN chain ON c.checkpoint_id = chain.parent_checkpoint_id
    WHERE c.thread_id = @thread AND c.checkpoint_ns = @ns AND chain.seeded = 0
  )
  SELECT checkpoint_id, type, seeded, turn_id FROM chain ORDER BY depth DESC`;

const WRITES = `
  SELECT checkpoint_id, task_id, channel, type, value, turn_id FROM writes
  WHERE thread_id = @thread AND checkpoint_ns = @ns AND channel = @channel
    AND checkpoint_id IN (SELECT value FROM json_each(@ids))
  ORDER BY task_id, idx`;

const LATEST = `
  SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ?
  ORDER BY checkpoint_id DESC LIMIT 1`;

const SEED =
  "SELECT checkpoint FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?";

const PUT = `
  INSERT OR REPLACE INTO checkpoints
    (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata, turn_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

const putWritesSql = (replace: boolean) => `
  INSERT ${replace ? "OR REPLACE" : "OR IGNORE"} INTO writes
    (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value, turn_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * The official SQLite saver, with two changes:
 * - checkpoints and writes record the turn that wrote them (`configurable.turn_id`, see
 *   `store/turns.ts`), in a `turn_id` column added to LangGraph's tables;
 * - the history of delta channels (the conversation's messages) is read by two queries instead of
 *   one `getTuple` per ancestor, so a turn's cost stays flat as the thread grows. It follows the
 *   requested checkpoint's ancestors only, and of the writes stored against an ancestor only those
 *   that replay into its child on that chain. Without turns, results match the base class's walk.
 *
 * A write whose config carries a lease token (`configurable.lease_token`, see `store/leases.ts`)
 * checks it in the same IMMEDIATE transaction, and is not applied if the lease has moved on.
 */
export class DeltaQuerySqliteSaver extends SqliteSaver implements FencedThreadDelete {
  /** Each statement compiled once, on first use (after `setup` has made the tables it reads). */
  private readonly statements = new Map<string, Statement>();
  /** One IMMEDIATE transaction: the config's lease token checked, if any, then the write. */
  private readonly fencedWrite: Transaction<(config: RunnableConfig, write: () => void) => void>;

  constructor(private readonly database: Database) {
    super(database);
    const assertFence = fenceCheck(database);
    this.fencedWrite = database.transaction((config: RunnableConfig, write: () => void) => {
      const token = leaseTokenOf(config);
      if (token !== null) assertFence(String(config.configurable?.thread_id), token);
      write();
    });
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  protected override setup(): void {
    if (this.isSetup) return;
    super.setup();
    for (const table of ["checkpoints", "writes"]) {
      const columns = this.database.prepare(`PRAGMA table_info(${table})`).all() as {
        name: string;
      }[];
      if (columns.some((column) => column.name === "turn_id")) continue;
      try {
        this.database.exec(`ALTER TABLE ${table} ADD COLUMN turn_id TEXT`);
      } catch (error) {
        // Another process sharing the file added it first.
        if (!String(error).includes("duplicate column")) throw error;
      }
    }
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
  ): Promise<RunnableConfig> {
    this.setup();
    const configurable = config.configurable;
    if (!configurable) throw new Error("Empty configuration supplied.");
    const threadId: unknown = configurable.thread_id;
    if (!threadId) throw new Error(`Missing "thread_id" field in passed "config.configurable".`);
    const ns: string = configurable.checkpoint_ns ?? "";
    const [[type, serialized], [metadataType, serializedMetadata]] = await Promise.all([
      this.serde.dumpsTyped(copyCheckpoint(checkpoint)),
      this.serde.dumpsTyped(metadata),
    ]);
    if (type !== metadataType) {
      throw new Error("Failed to serialized checkpoint and metadata to the same type.");
    }
    const statement = this.statement(PUT);
    this.fencedWrite.immediate(config, () =>
      statement.run(
        threadId,
        ns,
        checkpoint.id,
        configurable.checkpoint_id,
        type,
        serialized,
        serializedMetadata,
        turnOf(config),
      ),
    );
    return {
      configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id },
    };
  }

  override async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
  ): Promise<void> {
    this.setup();
    const configurable = config.configurable;
    if (!configurable) throw new Error("Empty configuration supplied.");
    if (!configurable.thread_id) throw new Error("Missing thread_id field in config.configurable.");
    if (!configurable.checkpoint_id) {
      throw new Error("Missing checkpoint_id field in config.configurable.");
    }
    const turn = turnOf(config);
    const rows = await Promise.all(
      writes.map(async ([channel, value], idx) => {
        const [type, serialized] = await this.serde.dumpsTyped(value);
        return [
          configurable.thread_id,
          configurable.checkpoint_ns ?? "",
          configurable.checkpoint_id,
          taskId,
          WRITES_IDX_MAP[channel] ?? idx,
          channel,
          type,
          serialized,
          turn,
        ];
      }),
    );
    // Regular writes are kept once written; special ones (errors, interrupts) replace.
    const statement = this.statement(
      putWritesSql(writes.every(([channel]) => channel in WRITES_IDX_MAP)),
    );
    this.fencedWrite.immediate(config, () => {
      for (const row of rows) statement.run(...row);
    });
  }

  /** Deletes the thread in one transaction with the check that `token` still holds its lease. */
  async deleteThreadFenced(threadId: string, token: number): Promise<void> {
    this.setup();
    const config = { configurable: { thread_id: threadId, lease_token: token } };
    this.fencedWrite.immediate(config, () => {
      for (const table of ["checkpoints", "writes"]) {
        this.statement(`DELETE FROM ${table} WHERE thread_id = ?`).run(threadId);
      }
    });
  }

  override async getDeltaChannelHistory(options: {
    config: RunnableConfig;
    channels: string[];
  }): Promise<Record<string, DeltaChannelHistory>> {
    this.setup();
    const thread = options.config.configurable?.thread_id;
    const ns: string = options.config.configurable?.checkpoint_ns ?? "";
    const target: string | undefined =
      options.config.configurable?.checkpoint_id ??
      (this.statement(LATEST).get(thread, ns) as { checkpoint_id: string } | undefined)
        ?.checkpoint_id;
    const result: Record<string, DeltaChannelHistory> = {};
    for (const channel of options.channels) {
      const rows = this.statement(CHAIN).all({
        thread,
        ns,
        target,
        path: `$.channel_values."${channel}"`,
      }) as ChainRow[];
      // Checkpoints stored as anything but JSON cannot be inspected in SQL.
      if (rows.some((row) => row.type !== "json")) return super.getDeltaChannelHistory(options);
      result[channel] = await this.channelHistory(thread, ns, channel, rows);
    }
    return result;
  }

  /** `rows` is the chain oldest first, ending with the target itself. */
  private async channelHistory(
    thread: string,
    ns: string,
    channel: string,
    rows: ChainRow[],
  ): Promise<DeltaChannelHistory> {
    const chain = rows.slice(0, -1);
    const ids = chain.map((row) => row.checkpoint_id);
    // Each ancestor's child on the chain: the next row, the target for the last ancestor.
    const childTurn = new Map(chain.map((row, i) => [row.checkpoint_id, rows[i + 1]!.turn_id]));
    const found = this.statement(WRITES).all({
      thread,
      ns,
      channel,
      ids: JSON.stringify(ids),
    }) as WriteRow[];
    const age = new Map(ids.map((id, i) => [id, i]));
    const kept = found.filter((row) =>
      replaysInto(row.turn_id, childTurn.get(row.checkpoint_id) ?? null),
    );
    kept.sort((a, b) => (age.get(a.checkpoint_id) ?? 0) - (age.get(b.checkpoint_id) ?? 0));
    const writes: CheckpointPendingWrite[] = await Promise.all(
      kept.map(async (row) => [
        row.task_id,
        row.channel,
        await this.serde.loadsTyped(row.type ?? "json", row.value),
      ]),
    );
    const oldest = chain[0];
    if (!oldest?.seeded) return { writes };
    const stored = this.statement(SEED).get(thread, ns, oldest.checkpoint_id) as {
      checkpoint: Uint8Array;
    };
    const checkpoint = (await this.serde.loadsTyped("json", stored.checkpoint)) as Checkpoint;
    return { writes, seed: checkpoint.channel_values[channel] };
  }
}
