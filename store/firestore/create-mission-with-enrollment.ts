import type { Transaction } from "firebase-admin/firestore";
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
import { dashboardCopies, documentIn, type Collections } from "./collections.js";
import { changedFields, fromDocument, toDocument } from "./documents.js";

/** What an earlier call created for a Commander session, read in the same transaction. */
async function readCreated(
  c: Collections,
  tx: Transaction,
  missionId: string,
  creatorId: string,
): Promise<MissionCreated> {
  const id = enrollmentId(creatorId, missionId);
  const [mission, enrollment, allySessions] = await Promise.all([
    tx.get(c.missions.doc(missionId)),
    tx.get(c.enrollments.doc(id)),
    tx.get(c.allySessions.where("enrollment_id", "==", id).limit(1)),
  ]);
  const allySession = allySessions.docs[0];
  if (!mission.exists || !enrollment.exists || !allySession) {
    throw new Error(`Mission ${missionId} is missing its enrollment or Ally session`);
  }
  return {
    mission: fromDocument(MissionSchema, mission),
    enrollment: fromDocument(EnrollmentSchema, enrollment),
    allySession: fromDocument(AllySessionSchema, allySession),
  };
}

/**
 * `MissionStore.createWithEnrollment` as one transaction: the mission, the creator's enrollment,
 * its dashboard copy, the Ally session and the Commander session's completion are written together
 * or not at all. A retry for a completed Commander session returns what the first call created.
 */
export function createMissionWithEnrollment(
  c: Collections,
  clock: Clock,
  { draft, creatorId, commanderSessionId }: CreateMissionInput,
): Promise<MissionCreated> {
  const dashboard = dashboardCopies(c, creatorId);
  if (!dashboard) return Promise.reject(new Error(`Invalid user id ${JSON.stringify(creatorId)}`));
  const sessionRef =
    commanderSessionId === undefined
      ? undefined
      : documentIn(c.commanderSessions, commanderSessionId);

  return c.transaction(async (tx) => {
    let session = null;
    if (commanderSessionId !== undefined) {
      const snapshot = sessionRef ? await tx.get(sessionRef) : undefined;
      session = snapshot?.exists ? fromDocument(CommanderSessionSchema, snapshot) : null;
      const created = missionCreatedBefore(session, commanderSessionId, creatorId);
      if (created !== undefined) return readCreated(c, tx, created, creatorId);
    }

    const now = isoNow(clock);
    const missionRef = c.missions.doc();
    const allySessionRef = c.allySessions.doc();
    const { mission, enrollment, allySession, ...records } = newMissionRecords({
      draft,
      creatorId,
      missionId: missionRef.id,
      allySessionId: allySessionRef.id,
      now,
    });
    tx.create(missionRef, toDocument(MissionSchema, mission));
    tx.create(c.enrollments.doc(enrollment.id), toDocument(EnrollmentSchema, enrollment));
    tx.create(dashboard.doc(mission.id), toDocument(EnrolledMissionSchema, records.dashboardCopy));
    tx.create(allySessionRef, toDocument(AllySessionSchema, allySession));
    if (sessionRef && session) {
      const completed = completedBy(session, mission.id, now);
      tx.update(sessionRef, toDocument(CommanderSessionSchema, changedFields(session, completed)));
    }
    return { mission, enrollment, allySession };
  });
}
