import type { Database } from "better-sqlite3";
import type { MissionCreated, MissionDraft } from "../types.js";
import { newId } from "./ids.js";
import {
  toAllySession,
  toEnrollment,
  toMission,
  type AllySessionRow,
  type CommanderSessionRow,
  type EnrollmentRow,
  type MissionRow,
} from "./rows.js";

export interface CreateMissionInput {
  draft: MissionDraft;
  creatorId: string;
  commanderSessionId?: string;
}

interface MissionInsert {
  id: string;
  creator_id: string;
  title: string;
  short_description: string;
  description: string;
  level: string;
  topics_to_cover: string;
  learning_goal: string;
  byte_size_checkpoints: string;
  skills: string;
  is_public: number;
  now: string;
}

interface EnrollmentInsert {
  id: string;
  user_id: string;
  mission_id: string;
  now: string;
}

interface AllySessionInsert {
  id: string;
  enrollment_id: string;
  user_id: string;
  mission_id: string;
  now: string;
}

/**
 * Builds the synchronous transaction behind `MissionStore.createWithEnrollment`: the mission, the
 * creator's enrollment, its dashboard copy, the Ally session and the Commander session's completion
 * are written together or not at all.
 */
export function createMissionWithEnrollmentTransaction(
  db: Database,
): (input: CreateMissionInput) => MissionCreated {
  const selectCommanderSession = db.prepare<[string], CommanderSessionRow>(
    "SELECT * FROM session_logs WHERE id = ?",
  );
  const selectMission = db.prepare<[string], MissionRow>("SELECT * FROM missions WHERE id = ?");
  const selectEnrollment = db.prepare<[string], EnrollmentRow>(
    "SELECT * FROM enrollments WHERE id = ?",
  );
  const selectAllySession = db.prepare<[string], AllySessionRow>(
    "SELECT * FROM enrollment_session_logs WHERE enrollment_id = ?",
  );
  const insertMission = db.prepare<MissionInsert>(
    `INSERT INTO missions (id, creator_id, title, short_description, description, level,
       topics_to_cover, learning_goal, byte_size_checkpoints, skills, is_public, created_at, updated_at)
     VALUES (@id, @creator_id, @title, @short_description, @description, @level, @topics_to_cover,
       @learning_goal, @byte_size_checkpoints, @skills, @is_public, @now, @now)`,
  );
  const insertEnrollment = db.prepare<EnrollmentInsert>(
    `INSERT INTO enrollments (id, user_id, mission_id, enrolled_at, progress, completed_checkpoints,
       last_accessed_at, completed, created_at, updated_at)
     VALUES (@id, @user_id, @mission_id, @now, 0, '[]', @now, 0, @now, @now)`,
  );
  const insertDashboardCopy = db.prepare<EnrollmentInsert>(
    `INSERT INTO enrolled_missions (user_id, mission_id, mission_title, mission_short_description,
       mission_skills, progress, byte_size_checkpoints, completed_checkpoints, enrolled_at,
       last_accessed_at, completed, updated_at)
     SELECT @user_id, id, title, short_description, skills, 0, byte_size_checkpoints, '[]', @now,
       @now, 0, @now
     FROM missions WHERE id = @mission_id`,
  );
  const insertAllySession = db.prepare<AllySessionInsert>(
    `INSERT INTO enrollment_session_logs (id, enrollment_id, user_id, mission_id, status,
       created_at, updated_at, started_at, completed_at)
     VALUES (@id, @enrollment_id, @user_id, @mission_id, 'created', @now, @now, NULL, NULL)`,
  );
  const completeCommanderSession = db.prepare<[string, string, string, string]>(
    `UPDATE session_logs SET status = 'completed', mission_id = ?, completed_at = ?, updated_at = ?
     WHERE id = ?`,
  );

  const readCreated = (missionId: string, creatorId: string): MissionCreated => {
    const mission = selectMission.get(missionId);
    const enrollment = selectEnrollment.get(`${creatorId}_${missionId}`);
    const allySession = enrollment && selectAllySession.get(enrollment.id);
    if (!mission || !enrollment || !allySession) {
      throw new Error(`Mission ${missionId} is missing its enrollment or Ally session`);
    }
    return {
      mission: toMission(mission),
      enrollment: toEnrollment(enrollment),
      allySession: toAllySession(allySession),
    };
  };

  return db.transaction(({ draft, creatorId, commanderSessionId }: CreateMissionInput) => {
    if (commanderSessionId !== undefined) {
      const session = selectCommanderSession.get(commanderSessionId);
      if (!session || session.user_id !== creatorId) {
        throw new Error(`Commander session ${commanderSessionId} not found for user ${creatorId}`);
      }
      // A retry after a lost response: hand back what the first call created.
      if (session.status === "completed" && session.mission_id !== null) {
        return readCreated(session.mission_id, creatorId);
      }
    }

    const now = new Date().toISOString();
    const missionId = newId();
    const enrollmentId = `${creatorId}_${missionId}`;
    insertMission.run({
      id: missionId,
      creator_id: creatorId,
      title: draft.title,
      short_description: draft.short_description,
      description: draft.description,
      level: draft.level,
      topics_to_cover: JSON.stringify(draft.topics_to_cover),
      learning_goal: draft.learning_goal,
      byte_size_checkpoints: JSON.stringify(draft.byte_size_checkpoints),
      skills: JSON.stringify(draft.skills),
      is_public: draft.is_public ? 1 : 0,
      now,
    });
    const enrollment = { id: enrollmentId, user_id: creatorId, mission_id: missionId, now };
    insertEnrollment.run(enrollment);
    insertDashboardCopy.run(enrollment);
    insertAllySession.run({
      id: newId(),
      enrollment_id: enrollmentId,
      user_id: creatorId,
      mission_id: missionId,
      now,
    });
    if (commanderSessionId !== undefined) {
      completeCommanderSession.run(missionId, now, now, commanderSessionId);
    }
    return readCreated(missionId, creatorId);
  });
}
