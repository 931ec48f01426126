import type { Database, Transaction } from "better-sqlite3";
import {
  AllySessionSchema,
  CommanderSessionSchema,
  EnrolledMissionSchema,
  EnrollmentSchema,
  MissionSchema,
  completedBy,
  enrollmentId,
  isoNow,
  missionCreatedBefore,
  newMissionRecords,
  type Clock,
  type CreateMissionInput,
  type MissionCreated,
} from "../../domain/index.js";
import { newId } from "./ids.js";
import { fromRow, insertSql, toRow, updateSql, type Row } from "./rows.js";

/**
 * Builds the synchronous transaction behind `MissionStore.createWithEnrollment`: the mission, the
 * creator's enrollment, its dashboard copy, the Ally session and the Commander session's completion
 * are written together or not at all.
 */
export function createMissionWithEnrollmentTransaction(
  db: Database,
  clock: Clock,
): Transaction<(input: CreateMissionInput) => MissionCreated> {
  const selectCommanderSession = db.prepare<[string], Row>(
    "SELECT * FROM session_logs WHERE id = ?",
  );
  const selectMission = db.prepare<[string], Row>("SELECT * FROM missions WHERE id = ?");
  const selectEnrollment = db.prepare<[string], Row>("SELECT * FROM enrollments WHERE id = ?");
  const selectAllySession = db.prepare<[string], Row>(
    "SELECT * FROM enrollment_session_logs WHERE enrollment_id = ?",
  );
  const insertMission = db.prepare(insertSql("missions", MissionSchema));
  const insertEnrollment = db.prepare(insertSql("enrollments", EnrollmentSchema));
  const insertDashboardCopy = db.prepare(
    insertSql("enrolled_missions", EnrolledMissionSchema, ["user_id"]),
  );
  const insertAllySession = db.prepare(insertSql("enrollment_session_logs", AllySessionSchema));
  const writeCommanderSession = db.prepare(updateSql("session_logs", CommanderSessionSchema));

  const readCreated = (missionId: string, creatorId: string): MissionCreated => {
    const mission = selectMission.get(missionId);
    const enrollment = selectEnrollment.get(enrollmentId(creatorId, missionId));
    const allySession = enrollment && selectAllySession.get(String(enrollment.id));
    if (!mission || !enrollment || !allySession) {
      throw new Error(`Mission ${missionId} is missing its enrollment or Ally session`);
    }
    return {
      mission: fromRow(MissionSchema, mission, "missions"),
      enrollment: fromRow(EnrollmentSchema, enrollment, "enrollments"),
      allySession: fromRow(AllySessionSchema, allySession, "enrollment_session_logs"),
    };
  };

  return db.transaction(({ draft, creatorId, commanderSessionId }: CreateMissionInput) => {
    const sessionRow =
      commanderSessionId === undefined ? undefined : selectCommanderSession.get(commanderSessionId);
    const session = sessionRow && fromRow(CommanderSessionSchema, sessionRow, "session_logs");
    if (commanderSessionId !== undefined) {
      const created = missionCreatedBefore(session ?? null, commanderSessionId, creatorId);
      if (created !== undefined) return readCreated(created, creatorId);
    }

    const now = isoNow(clock);
    const records = newMissionRecords({
      draft,
      creatorId,
      missionId: newId(),
      allySessionId: newId(),
      now,
    });
    insertMission.run(toRow(MissionSchema, records.mission));
    insertEnrollment.run(toRow(EnrollmentSchema, records.enrollment));
    insertDashboardCopy.run({
      ...toRow(EnrolledMissionSchema, records.dashboardCopy),
      user_id: creatorId,
    });
    insertAllySession.run(toRow(AllySessionSchema, records.allySession));
    if (session) {
      writeCommanderSession.run(
        toRow(CommanderSessionSchema, completedBy(session, records.mission.id, now)),
      );
    }
    const { mission, enrollment, allySession } = records;
    return { mission, enrollment, allySession };
  });
}
