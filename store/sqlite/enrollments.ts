import type { Database } from "better-sqlite3";
import type { EnrollmentStore } from "../ports.js";
import type { Enrollment, ProgressUpdate } from "../types.js";
import {
  toEnrolledMission,
  toEnrollment,
  type EnrolledMissionRow,
  type EnrollmentRow,
} from "./rows.js";

interface ProgressWrite {
  user_id: string;
  mission_id: string;
  progress: number;
  completed_checkpoints: string;
  completed: number;
  now: string;
}

export function createSqliteEnrollmentStore(db: Database): EnrollmentStore {
  const select = db.prepare<[string, string], EnrollmentRow>(
    "SELECT * FROM enrollments WHERE user_id = ? AND mission_id = ?",
  );
  const selectDashboard = db.prepare<[string], EnrolledMissionRow>(
    `SELECT * FROM enrolled_missions WHERE user_id = ?
     ORDER BY last_accessed_at DESC, enrolled_at DESC, mission_id`,
  );
  const writeEnrollment = db.prepare<ProgressWrite>(
    `UPDATE enrollments
     SET progress = @progress, completed_checkpoints = @completed_checkpoints,
         completed = @completed, last_accessed_at = @now, updated_at = @now
     WHERE user_id = @user_id AND mission_id = @mission_id`,
  );
  const writeDashboard = db.prepare<ProgressWrite>(
    `UPDATE enrolled_missions
     SET progress = @progress, completed_checkpoints = @completed_checkpoints,
         completed = @completed, last_accessed_at = @now, updated_at = @now
     WHERE user_id = @user_id AND mission_id = @mission_id`,
  );

  const get = (userId: string, missionId: string) => {
    const row = select.get(userId, missionId);
    return row ? toEnrollment(row) : null;
  };

  const recordProgress = db.transaction(
    (userId: string, missionId: string, update: ProgressUpdate): Enrollment => {
      const current = get(userId, missionId);
      if (!current) throw new Error(`User ${userId} is not enrolled in mission ${missionId}`);
      const checkpoints = [...current.completed_checkpoints];
      for (const checkpoint of update.completed_checkpoints) {
        if (!checkpoints.includes(checkpoint)) checkpoints.push(checkpoint);
      }
      const write: ProgressWrite = {
        user_id: userId,
        mission_id: missionId,
        progress: Math.max(current.progress, update.progress),
        completed_checkpoints: JSON.stringify(checkpoints),
        completed: current.completed || update.completed ? 1 : 0,
        now: new Date().toISOString(),
      };
      writeEnrollment.run(write);
      writeDashboard.run(write);
      const updated = get(userId, missionId);
      if (!updated) throw new Error(`Enrollment ${current.id} vanished during update`);
      return updated;
    },
  );

  return {
    async get(userId, missionId) {
      return get(userId, missionId);
    },
    async listForUser(userId) {
      return selectDashboard.all(userId).map(toEnrolledMission);
    },
    async recordProgress(userId, missionId, update) {
      return recordProgress(userId, missionId, update);
    },
  };
}
