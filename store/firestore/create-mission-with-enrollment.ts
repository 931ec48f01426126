import type { Transaction } from "firebase-admin/firestore";
import type { AllySession, Enrollment, Mission, MissionCreated, MissionDraft } from "../types.js";
import { dashboardCopies, documentIn, enrollmentId, type Collections } from "./collections.js";
import {
  timestamp,
  toAllySession,
  toCommanderSession,
  toEnrollment,
  toMission,
} from "./documents.js";

export interface CreateMissionInput {
  draft: MissionDraft;
  creatorId: string;
  commanderSessionId?: string;
}

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
    mission: toMission(mission),
    enrollment: toEnrollment(enrollment),
    allySession: toAllySession(allySession),
  };
}

/**
 * `MissionStore.createWithEnrollment` as one transaction: the mission, the creator's enrollment,
 * its dashboard copy, the Ally session and the Commander session's completion are written together
 * or not at all. A retry for a completed Commander session returns what the first call created.
 */
export function createMissionWithEnrollment(
  c: Collections,
  { draft, creatorId, commanderSessionId }: CreateMissionInput,
): Promise<MissionCreated> {
  const dashboard = dashboardCopies(c, creatorId);
  if (!dashboard) return Promise.reject(new Error(`Invalid user id ${JSON.stringify(creatorId)}`));
  const sessionRef =
    commanderSessionId === undefined
      ? undefined
      : documentIn(c.commanderSessions, commanderSessionId);

  return c.firestore.runTransaction(async (tx) => {
    if (commanderSessionId !== undefined) {
      const snapshot = sessionRef ? await tx.get(sessionRef) : undefined;
      const session = snapshot?.exists ? toCommanderSession(snapshot) : null;
      if (!session || session.user_id !== creatorId) {
        throw new Error(`Commander session ${commanderSessionId} not found for user ${creatorId}`);
      }
      if (session.status === "completed" && session.mission_id !== null) {
        return readCreated(c, tx, session.mission_id, creatorId);
      }
    }

    const now = new Date().toISOString();
    const at = timestamp(now);
    const missionRef = c.missions.doc();
    const allySessionRef = c.allySessions.doc();
    const fields = {
      creator_id: creatorId,
      title: draft.title,
      short_description: draft.short_description,
      description: draft.description,
      level: draft.level,
      topics_to_cover: draft.topics_to_cover,
      learning_goal: draft.learning_goal,
      byte_size_checkpoints: draft.byte_size_checkpoints,
      skills: draft.skills,
      is_public: draft.is_public,
    };
    const mission: Mission = { id: missionRef.id, ...fields, created_at: now, updated_at: now };
    const enrollment: Enrollment = {
      id: enrollmentId(creatorId, missionRef.id),
      user_id: creatorId,
      mission_id: mission.id,
      enrolled_at: now,
      progress: 0,
      completed_checkpoints: [],
      last_accessed_at: now,
      completed: false,
      created_at: now,
      updated_at: now,
    };
    const allySession: AllySession = {
      id: allySessionRef.id,
      enrollment_id: enrollment.id,
      user_id: creatorId,
      mission_id: mission.id,
      status: "created",
      created_at: now,
      updated_at: now,
      started_at: null,
      completed_at: null,
    };

    tx.create(missionRef, { ...fields, created_at: at, updated_at: at });
    tx.create(c.enrollments.doc(enrollment.id), {
      user_id: creatorId,
      mission_id: mission.id,
      enrolled_at: at,
      progress: 0,
      completed_checkpoints: [],
      last_accessed_at: at,
      completed: false,
      created_at: at,
      updated_at: at,
    });
    tx.create(dashboard.doc(mission.id), {
      mission_id: mission.id,
      mission_title: mission.title,
      mission_short_description: mission.short_description,
      mission_skills: mission.skills,
      progress: 0,
      byte_size_checkpoints: mission.byte_size_checkpoints,
      completed_checkpoints: [],
      enrolled_at: at,
      last_accessed_at: at,
      completed: false,
      updated_at: at,
    });
    tx.create(allySessionRef, {
      enrollment_id: enrollment.id,
      user_id: creatorId,
      mission_id: mission.id,
      status: "created",
      created_at: at,
      updated_at: at,
      started_at: null,
      completed_at: null,
    });
    if (sessionRef) {
      tx.update(sessionRef, {
        status: "completed",
        mission_id: mission.id,
        completed_at: at,
        updated_at: at,
      });
    }
    return { mission, enrollment, allySession };
  });
}
