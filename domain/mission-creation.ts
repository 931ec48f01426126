import {
  dashboardCopy,
  enrollmentId,
  type EnrolledMission,
  type Enrollment,
} from "./enrollment.js";
import { MissionSchema, type Mission, type MissionDraft } from "./mission.js";
import type { AllySession, CommanderSession } from "./sessions.js";

/** A mission creation: the draft, its creator, and the Commander session it completes, if any. */
export interface CreateMissionInput {
  draft: MissionDraft;
  creatorId: string;
  commanderSessionId?: string;
}

/** What creating a mission makes, together or not at all. */
export interface MissionCreated {
  mission: Mission;
  enrollment: Enrollment;
  allySession: AllySession;
}

/** Every record a new mission writes: `MissionCreated` and the creator's dashboard copy. */
export interface NewMissionRecords extends MissionCreated {
  dashboardCopy: EnrolledMission;
}

/** The mission, the creator's enrollment and dashboard copy, and the Ally session, as new. */
export function newMissionRecords(input: {
  draft: MissionDraft;
  creatorId: string;
  missionId: string;
  allySessionId: string;
  now: string;
}): NewMissionRecords {
  const { draft, creatorId, missionId, now } = input;
  // Parsing keeps only a mission's fields, in the record's order, whatever else the draft carries.
  const mission = MissionSchema.parse({
    id: missionId,
    ...draft,
    creator_id: creatorId,
    created_at: now,
    updated_at: now,
  });
  const enrollment: Enrollment = {
    id: enrollmentId(creatorId, missionId),
    user_id: creatorId,
    mission_id: missionId,
    enrolled_at: now,
    progress: 0,
    completed_checkpoints: [],
    last_accessed_at: now,
    completed: false,
    created_at: now,
    updated_at: now,
  };
  const allySession: AllySession = {
    id: input.allySessionId,
    enrollment_id: enrollment.id,
    user_id: creatorId,
    mission_id: missionId,
    status: "created",
    created_at: now,
    updated_at: now,
    started_at: null,
    completed_at: null,
  };
  return { mission, enrollment, allySession, dashboardCopy: dashboardCopy(mission, enrollment) };
}

/**
 * A Commander session creates its mission once, so that a retry after a lost response gets what
 * the first call made. Returns the id of the mission `session` already created, or undefined when
 * it is still to be created; throws when the session is missing or not the creator's.
 */
export function missionCreatedBefore(
  session: CommanderSession | null,
  sessionId: string,
  creatorId: string,
): string | undefined {
  if (!session || session.user_id !== creatorId) {
    throw new Error(`Commander session ${sessionId} not found for user ${creatorId}`);
  }
  return session.status === "completed" && session.mission_id !== null
    ? session.mission_id
    : undefined;
}

/** The Commander session once it has created `missionId`. */
export function completedBy(
  session: CommanderSession,
  missionId: string,
  now: string,
): CommanderSession {
  return {
    ...session,
    status: "completed",
    mission_id: missionId,
    completed_at: now,
    updated_at: now,
  };
}
