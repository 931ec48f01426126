import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { systemClock, type Clock } from "../../domain/index.js";
import { DeltaQuerySqliteSaver } from "./sqlite-saver.js";
import type { Store } from "../ports.js";
import { createSqliteAllySessionStore } from "./ally-sessions.js";
import { createSqliteCommanderSessionStore } from "./commander-sessions.js";
import { createSqliteEnrollmentStore } from "./enrollments.js";
import { createSqliteLeaseStore } from "./leases.js";
import { createSqliteMissionStore } from "./missions.js";
import { applySchema } from "./schema.js";
import { createSqliteTranscriptStore } from "./transcripts.js";
import { createSqliteUserStore } from "./users.js";

const MEMORY = ":memory:";

/**
 * Opens (creating if needed) the embedded store. The LangGraph checkpointer shares the same
 * connection, so one file holds the domain tables and the conversation checkpoints.
 */
export interface SqliteStoreOptions {
  /** A file, or `:memory:`. */
  path: string;
  /** Where the records' times come from; the system clock by default. */
  clock?: Clock;
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  const clock = options.clock ?? systemClock;
  if (options.path !== MEMORY) {
    fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
  }
  const db = new Database(options.path);
  if (options.path !== MEMORY) db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  // A writer in another process is waited for; every transaction that reads before it writes is
  // run IMMEDIATE, since WAL fails a read that turns into a write at once rather than waiting.
  db.pragma("busy_timeout = 5000");
  applySchema(db);
  const leases = createSqliteLeaseStore(db, clock);

  return {
    users: createSqliteUserStore(db, clock),
    missions: createSqliteMissionStore(db, clock),
    enrollments: createSqliteEnrollmentStore(db, clock),
    commanderSessions: createSqliteCommanderSessionStore(db, clock),
    allySessions: createSqliteAllySessionStore(db, clock),
    transcripts: createSqliteTranscriptStore(db, clock),
    leases,
    checkpointer: new DeltaQuerySqliteSaver(db),
    async close() {
      leases.stop();
      if (db.open) db.close();
    },
  };
}
