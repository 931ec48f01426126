import type { Database } from "better-sqlite3";
import type { CommanderSessionStore } from "../ports.js";
import type { CommanderSessionStatus } from "../types.js";
import { newId } from "./ids.js";
import { toCommanderSession, type CommanderSessionRow } from "./rows.js";

interface StatusUpdate {
  id: string;
  status: CommanderSessionStatus;
  now: string;
}

export function createSqliteCommanderSessionStore(db: Database): CommanderSessionStore {
  const insert = db.prepare<[string, string, string, string]>(
    `INSERT INTO session_logs (id, user_id, status, mission_id, created_at, updated_at, completed_at)
     VALUES (?, ?, 'active', NULL, ?, ?, NULL)`,
  );
  const select = db.prepare<[string], CommanderSessionRow>(
    "SELECT * FROM session_logs WHERE id = ?",
  );
  const selectForUser = db.prepare<[string, number], CommanderSessionRow>(
    `SELECT * FROM session_logs WHERE user_id = ?
     ORDER BY updated_at DESC, created_at DESC, id LIMIT ?`,
  );
  // The first completion time is kept when a completed session is completed again.
  const updateStatus = db.prepare<StatusUpdate>(
    `UPDATE session_logs
     SET status = @status,
         completed_at = CASE WHEN @status = 'completed' THEN COALESCE(completed_at, @now)
                             ELSE completed_at END,
         updated_at = @now
     WHERE id = @id`,
  );

  const get = (id: string) => {
    const row = select.get(id);
    return row ? toCommanderSession(row) : null;
  };

  return {
    async create(userId) {
      const id = newId();
      const now = new Date().toISOString();
      insert.run(id, userId, now, now);
      const session = get(id);
      if (!session) throw new Error(`Commander session ${id} vanished after insert`);
      return session;
    },
    async get(id) {
      return get(id);
    },
    async listForUser(userId, limit) {
      return selectForUser.all(userId, limit).map(toCommanderSession);
    },
    async setStatus(id, status) {
      const { changes } = updateStatus.run({ id, status, now: new Date().toISOString() });
      if (changes === 0) throw new Error(`Commander session ${id} not found`);
    },
  };
}
