import { z } from "zod";
import type { Mission, MissionPatch } from "./mission.js";

/** A learner's place in a mission (`enrollments/{userId}_{missionId}`). */
export const EnrollmentSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  mission_id: z.string(),
  enrolled_at: z.string(),
  /** completed / total × 100; never goes down. */
  progress: z.number(),
  /** The titles of the completed checkpoints; never forgotten. */
  completed_checkpoints: z.array(z.string()),
  last_accessed_at: z.string(),
  completed: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Enrollment = z.infer<typeof EnrollmentSchema>;

/**
 * The user's dashboard copy of an enrollment (`users/{uid}/enrolled_missions/{missionId}`): the
 * enrollment's progress with the mission's title, short description, skills and checkpoints.
 */
export const EnrolledMissionSchema = z.object({
  mission_id: z.string(),
  mission_title: z.string(),
  mission_short_description: z.string(),
  mission_skills: z.array(z.string()),
  progress: z.number(),
  byte_size_checkpoints: z.array(z.string()),
  completed_checkpoints: z.array(z.string()),
  enrolled_at: z.string(),
  last_accessed_at: z.string(),
  completed: z.boolean(),
  updated_at: z.string(),
});
export type EnrolledMission = z.infer<typeof EnrolledMissionSchema>;

/** Progress reported after a checkpoint is completed. */
export interface ProgressUpdate {
  completed_checkpoints: string[];
  progress: number;
  completed: boolean;
}

/** The progress fields the enrollment and its dashboard copy share, and write together. */
export const PROGRESS_FIELDS = [
  "progress",
  "completed_checkpoints",
  "completed",
  "last_accessed_at",
  "updated_at",
] as const;
export type ProgressFields = Pick<Enrollment, (typeof PROGRESS_FIELDS)[number]>;

const SEPARATOR = "_";

/** `{userId}_{missionId}`, as the upstream named enrollments. */
export function enrollmentId(userId: string, missionId: string): string {
  return `${userId}${SEPARATOR}${missionId}`;
}

/**
 * The user and mission of an enrollment id. Mission ids never contain "_", so the last one
 * separates them; undefined when the id has no such separator.
 */
export function parseEnrollmentId(id: string): { userId: string; missionId: string } | undefined {
  const split = id.lastIndexOf(SEPARATOR);
  if (split <= 0 || split === id.length - 1) return undefined;
  return { userId: id.slice(0, split), missionId: id.slice(split + 1) };
}

/**
 * The positions in the mission of the completed checkpoints, in the order they are listed. Titles
 * are what the store keeps and the clients see, but a checkpoint is identified by its position:
 * each completed title takes the first position with that title not taken yet, so every one of
 * several checkpoints that share a title can be completed.
 */
export function completedPositions(
  checkpoints: readonly string[],
  completed: readonly string[],
): number[] {
  const positions: number[] = [];
  for (const title of completed) {
    const position = checkpoints.findIndex((c, i) => c === title && !positions.includes(i));
    if (position !== -1) positions.push(position);
  }
  return positions;
}

/** The titles at `positions`, in the mission's order, as the clients are sent them. */
export function titlesAt(checkpoints: readonly string[], positions: readonly number[]): string[] {
  return checkpoints.filter((_, i) => positions.includes(i));
}

/** The first checkpoint not completed yet, or the number of checkpoints when all are. */
export function nextCheckpoint(
  checkpoints: readonly string[],
  positions: readonly number[],
): number {
  const next = checkpoints.findIndex((_, i) => !positions.includes(i));
  return next === -1 ? checkpoints.length : next;
}

/** completed / total × 100, rounded to two decimals. */
export function progressPercent(completed: number, total: number): number {
  return Math.round((completed / total) * 10000) / 100;
}

/**
 * What recording `update` writes to the enrollment and its dashboard copy: progress never goes
 * down, completed checkpoints are never forgotten, a completed mission stays completed, and the
 * enrollment counts as accessed `now`.
 */
export function mergeProgress(
  current: Enrollment,
  update: ProgressUpdate,
  now: string,
): ProgressFields {
  // Titles count once per checkpoint that has them, so a title shared by several checkpoints
  // is kept as often as the longer of the two lists completed it.
  const checkpoints = [...current.completed_checkpoints];
  const seen = new Map<string, number>();
  for (const title of update.completed_checkpoints) {
    const times = (seen.get(title) ?? 0) + 1;
    seen.set(title, times);
    if (checkpoints.filter((c) => c === title).length < times) checkpoints.push(title);
  }
  return {
    progress: Math.max(current.progress, update.progress),
    completed_checkpoints: checkpoints,
    completed: current.completed || update.completed,
    last_accessed_at: now,
    updated_at: now,
  };
}

/** The mission's fields that its dashboard copies repeat, by the names the copies give them. */
export const DASHBOARD_FIELDS = {
  mission_title: "title",
  mission_short_description: "short_description",
  mission_skills: "skills",
} as const satisfies Record<string, keyof MissionPatch>;

type DashboardFields = {
  [K in keyof typeof DASHBOARD_FIELDS]: Mission[(typeof DASHBOARD_FIELDS)[K]];
};

export function dashboardFields(mission: Mission): DashboardFields {
  return {
    mission_title: mission[DASHBOARD_FIELDS.mission_title],
    mission_short_description: mission[DASHBOARD_FIELDS.mission_short_description],
    mission_skills: mission[DASHBOARD_FIELDS.mission_skills],
  };
}

/** Whether a mission patch changes what the dashboard copies repeat, so they must follow. */
export function patchReachesDashboards(patch: MissionPatch): boolean {
  return Object.values(DASHBOARD_FIELDS).some((field) => patch[field] !== undefined);
}

/** The dashboard copy of a new enrollment. */
export function dashboardCopy(mission: Mission, enrollment: Enrollment): EnrolledMission {
  return {
    mission_id: mission.id,
    ...dashboardFields(mission),
    progress: enrollment.progress,
    byte_size_checkpoints: mission.byte_size_checkpoints,
    completed_checkpoints: enrollment.completed_checkpoints,
    enrolled_at: enrollment.enrolled_at,
    last_accessed_at: enrollment.last_accessed_at,
    completed: enrollment.completed,
    updated_at: enrollment.updated_at,
  };
}

/** Most recently accessed first, then most recently enrolled, then by mission id. */
export function dashboardOrder(a: EnrolledMission, b: EnrolledMission): number {
  return (
    b.last_accessed_at.localeCompare(a.last_accessed_at) ||
    b.enrolled_at.localeCompare(a.enrolled_at) ||
    (a.mission_id < b.mission_id ? -1 : a.mission_id > b.mission_id ? 1 : 0)
  );
}
