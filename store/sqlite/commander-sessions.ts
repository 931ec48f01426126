import type { Database } from "better-sqlite3";
import {
  CommanderSessionSchema,
  isoNow,
  newCommanderSession,
  withCommanderStatus,
  type Clock,
  type CommanderSessionStatus,
} from "../../domain/index.js";
import type { CommanderSessionStore } from "../ports.js";
import { newId } from "./ids.js";
import { fromRow, insertSql, toRow, updateSql, type Row } from "./rows.js";

export function createSqliteCommanderSessionStore(
  db: Database,
  clock: Clock,
): CommanderSessionStore {
  const insert = db.prepare(insertSql("session_logs", CommanderSessionSchema));
  const select = db.prepare<[string], Row>("SELECT * FROM session_logs WHERE id = ?");
  const selectForUser = db.prepare<[string, number], Row>(
    `SELECT * FROM session_logs WHERE user_id = ?
     ORDER BY updated_at DESC, created_at DESC, id LIMIT ?`,
  );
  const write = db.prepare(updateSql("session_logs", CommanderSessionSchema));

  const read = (row: Row) => fromRow(CommanderSessionSchema, row, "session_logs");
  const get = (id: string) => {
    const row = select.get(id);
    return row ? read(row) : null;
  };

  const setStatus = db.transaction((id: string, status: CommanderSessionStatus) => {
    const session = get(id);
    if (!session) throw new Error(`Commander session ${id} not found`);
    write.run(toRow(CommanderSessionSchema, withCommanderStatus(session, status, isoNow(clock))));
  });

  return {
    async create(userId) {
      const session = newCommanderSession(newId(), userId, isoNow(clock));
      insert.run(toRow(CommanderSessionSchema, session));
      return session;
    },
    async get(id) {
      return get(id);
    },
    async listForUser(userId, limit) {
      return selectForUser.all(userId, limit).map(read);
    },
    async setStatus(id, status) {
      setStatus.immediate(id, status);
    },
  };
}
