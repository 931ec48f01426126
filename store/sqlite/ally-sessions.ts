import type { Database } from "better-sqlite3";
import type { AllySessionStore } from "../ports.js";
import { toAllySession, type AllySessionRow } from "./rows.js";

export function createSqliteAllySessionStore(db: Database): AllySessionStore {
  const selectById = db.prepare<[string], AllySessionRow>(
    "SELECT * FROM enrollment_session_logs WHERE id = ?",
  );
  const selectByEnrollment = db.prepare<[string], AllySessionRow>(
    "SELECT * FROM enrollment_session_logs WHERE enrollment_id = ?",
  );
  const start = db.prepare<[string, string, string]>(
    `UPDATE enrollment_session_logs SET status = 'started', started_at = ?, updated_at = ?
     WHERE id = ? AND status = 'created'`,
  );
  const complete = db.prepare<[string, string, string]>(
    `UPDATE enrollment_session_logs SET status = 'completed', completed_at = ?, updated_at = ?
     WHERE id = ? AND status <> 'completed'`,
  );

  const getOrThrow = (id: string) => {
    const row = selectById.get(id);
    if (!row) throw new Error(`Ally session ${id} not found`);
    return toAllySession(row);
  };

  return {
    async getForEnrollment(enrollmentId) {
      const row = selectByEnrollment.get(enrollmentId);
      return row ? toAllySession(row) : null;
    },
    async markStarted(id) {
      const now = new Date().toISOString();
      start.run(now, now, id);
      return getOrThrow(id);
    },
    async markCompleted(id) {
      const now = new Date().toISOString();
      complete.run(now, now, id);
      return getOrThrow(id);
    },
  };
}
