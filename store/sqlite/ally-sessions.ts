import type { Database } from "better-sqlite3";
import { AllySessionSchema, isoNow, withAllyStatus, type Clock } from "../../domain/index.js";
import type { AllySessionStore } from "../ports.js";
import { fromRow, toRow, updateSql, type Row } from "./rows.js";

export function createSqliteAllySessionStore(db: Database, clock: Clock): AllySessionStore {
  const selectById = db.prepare<[string], Row>(
    "SELECT * FROM enrollment_session_logs WHERE id = ?",
  );
  const selectByEnrollment = db.prepare<[string], Row>(
    "SELECT * FROM enrollment_session_logs WHERE enrollment_id = ?",
  );
  const write = db.prepare(updateSql("enrollment_session_logs", AllySessionSchema));
  const read = (row: Row) => fromRow(AllySessionSchema, row, "enrollment_session_logs");

  const move = db.transaction((id: string, status: "started" | "completed") => {
    const row = selectById.get(id);
    if (!row) throw new Error(`Ally session ${id} not found`);
    const session = read(row);
    const moved = withAllyStatus(session, status, isoNow(clock));
    if (moved !== session) write.run(toRow(AllySessionSchema, moved));
    return moved;
  });

  return {
    async getForEnrollment(enrollmentId) {
      const row = selectByEnrollment.get(enrollmentId);
      return row ? read(row) : null;
    },
    async markStarted(id) {
      return move.immediate(id, "started");
    },
    async markCompleted(id) {
      return move.immediate(id, "completed");
    },
  };
}
