import type { Database } from "better-sqlite3";
import {
  EnrolledMissionSchema,
  EnrollmentSchema,
  PROGRESS_FIELDS,
  dashboardOrder,
  isoNow,
  mergeProgress,
  type Clock,
  type Enrollment,
  type ProgressUpdate,
} from "../../domain/index.js";
import type { EnrollmentStore } from "../ports.js";
import { fromRow, toRow, type Row } from "./rows.js";

const SET_PROGRESS = PROGRESS_FIELDS.map((c) => `${c} = @${c}`).join(", ");

export function createSqliteEnrollmentStore(db: Database, clock: Clock): EnrollmentStore {
  const select = db.prepare<[string, string], Row>(
    "SELECT * FROM enrollments WHERE user_id = ? AND mission_id = ?",
  );
  const selectDashboard = db.prepare<[string], Row>(
    "SELECT * FROM enrolled_missions WHERE user_id = ?",
  );
  const where = "WHERE user_id = @user_id AND mission_id = @mission_id";
  const writeEnrollment = db.prepare(`UPDATE enrollments SET ${SET_PROGRESS} ${where}`);
  const writeDashboard = db.prepare(`UPDATE enrolled_missions SET ${SET_PROGRESS} ${where}`);

  const get = (userId: string, missionId: string) => {
    const row = select.get(userId, missionId);
    return row ? fromRow(EnrollmentSchema, row, "enrollments") : null;
  };

  const recordProgress = db.transaction(
    (userId: string, missionId: string, update: ProgressUpdate): Enrollment => {
      const current = get(userId, missionId);
      if (!current) throw new Error(`User ${userId} is not enrolled in mission ${missionId}`);
      const progress = mergeProgress(current, update, isoNow(clock));
      const write = {
        ...toRow(EnrollmentSchema, progress),
        user_id: userId,
        mission_id: missionId,
      };
      writeEnrollment.run(write);
      writeDashboard.run(write);
      return { ...current, ...progress };
    },
  );

  return {
    async get(userId, missionId) {
      return get(userId, missionId);
    },
    async listForUser(userId) {
      return selectDashboard
        .all(userId)
        .map((row) => fromRow(EnrolledMissionSchema, row, "enrolled_missions"))
        .sort(dashboardOrder);
    },
    async recordProgress(userId, missionId, update) {
      return recordProgress.immediate(userId, missionId, update);
    },
  };
}
