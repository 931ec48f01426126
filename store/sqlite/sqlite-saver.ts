import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type {
  Checkpoint,
  CheckpointPendingWrite,
  DeltaChannelHistory,
} from "@langchain/langgraph-checkpoint";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Database } from "better-sqlite3";

interface ChainRow {
  checkpoint_id: string;
  type: string | null;
  seeded: number;
}

interface WriteRow {
  checkpoint_id: string;
  task_id: string;
  channel: string;
  type: string | null;
  value: Uint8Array;
}

// Walks up from the target's parent and stops at the first ancestor that stores the channel.
const CHAIN = `
  WITH RECURSIVE chain(checkpoint_id, parent_checkpoint_id, type, depth, seeded) AS (
    SELECT checkpoint_id, parent_checkpoint_id, type, 0, 0 FROM checkpoints
    WHERE thread_id = @thread AND checkpoint_ns = @ns AND checkpoint_id = @target
    UNION ALL
    SELECT c.checkpoint_id, c.parent_checkpoint_id, c.type, chain.depth + 1,
      json_type(CAST(c.checkpoint AS TEXT), @path) IS NOT NULL
    FROM checkpoints c JOIN chain ON c.checkpoint_id = chain.parent_checkpoint_id
    WHERE c.thread_id = @thread AND c.checkpoint_ns = @ns AND chain.seeded = 0
  )
  SELECT checkpoint_id, type, seeded FROM chain WHERE depth > 0 ORDER BY depth DESC`;

const WRITES = `
  SELECT checkpoint_id, task_id, channel, type, value FROM writes
  WHERE thread_id = @thread AND checkpoint_ns = @ns AND channel = @channel
    AND checkpoint_id IN (SELECT value FROM json_each(@ids))
  ORDER BY task_id, idx`;

const LATEST = `
  SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ?
  ORDER BY checkpoint_id DESC LIMIT 1`;

/**
 * The official SQLite saver, with the history of delta channels (the conversation's messages) read
 * by two queries instead of one `getTuple` per ancestor, so a turn's cost stays flat as the thread
 * grows. Results match the base class's ancestor walk.
 */
export class DeltaQuerySqliteSaver extends SqliteSaver {
  constructor(private readonly database: Database) {
    super(database);
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
      (this.database.prepare(LATEST).get(thread, ns) as { checkpoint_id: string } | undefined)
        ?.checkpoint_id;
    const result: Record<string, DeltaChannelHistory> = {};
    for (const channel of options.channels) {
      const chain = this.database
        .prepare(CHAIN)
        .all({ thread, ns, target, path: `$.channel_values."${channel}"` }) as ChainRow[];
      // Checkpoints stored as anything but JSON cannot be inspected in SQL.
      if (chain.some((row) => row.type !== "json")) return super.getDeltaChannelHistory(options);
      result[channel] = await this.channelHistory(thread, ns, channel, chain);
    }
    return result;
  }

  private async channelHistory(
    thread: string,
    ns: string,
    channel: string,
    chain: ChainRow[],
  ): Promise<DeltaChannelHistory> {
    const ids = chain.map((row) => row.checkpoint_id);
    const rows = this.database
      .prepare(WRITES)
      .all({ thread, ns, channel, ids: JSON.stringify(ids) }) as WriteRow[];
    const age = new Map(ids.map((id, i) => [id, i]));
    rows.sort((a, b) => (age.get(a.checkpoint_id) ?? 0) - (age.get(b.checkpoint_id) ?? 0));
    const writes: CheckpointPendingWrite[] = await Promise.all(
      rows.map(async (row) => [
        row.task_id,
        row.channel,
        await this.serde.loadsTyped(row.type ?? "json", row.value),
      ]),
    );
    const oldest = chain[0];
    if (!oldest?.seeded) return { writes };
    const stored = this.database
      .prepare(
        "SELECT checkpoint FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?",
      )
      .get(thread, ns, oldest.checkpoint_id) as { checkpoint: Uint8Array };
    const checkpoint = (await this.serde.loadsTyped("json", stored.checkpoint)) as Checkpoint;
    return { writes, seed: checkpoint.channel_values[channel] };
  }
}
