import type {
  AllySession,
  CommanderSession,
  EnrolledMission,
  Enrollment,
  Level,
  Mission,
  User,
} from "../types.js";

/** Raw rows as better-sqlite3 returns them: arrays as JSON text, booleans as 0/1. */

export interface UserRow {
  id: string;
  firebase_uid: string;
  name: string | null;
  email: string | null;
  picture: string | null;
  learning_style: string;
  created_at: string;
  updated_at: string;
}

export interface MissionRow {
  id: string;
  creator_id: string;
  title: string;
  short_description: string;
  description: string;
  level: Level;
  topics_to_cover: string;
  learning_goal: string;
  byte_size_checkpoints: string;
  skills: string;
  is_public: number;
  created_at: string;
  updated_at: string;
}

export interface EnrollmentRow {
  id: string;
  user_id: string;
  mission_id: string;
  enrolled_at: string;
  progress: number;
  completed_checkpoints: string;
  last_accessed_at: string;
  completed: number;
  created_at: string;
  updated_at: string;
}

export interface EnrolledMissionRow {
  mission_id: string;
  mission_title: string;
  mission_short_description: string;
  mission_skills: string;
  progress: number;
  byte_size_checkpoints: string;
  completed_checkpoints: string;
  enrolled_at: string;
  last_accessed_at: string;
  completed: number;
  updated_at: string;
}

/** Session tables hold exactly the record's fields. */
export type CommanderSessionRow = CommanderSession;

export type AllySessionRow = AllySession;

function parseStringArray(json: string): string[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new Error(`Expected a JSON array of strings, got ${json}`);
  }
  return value;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    firebase_uid: row.firebase_uid,
    name: row.name,
    email: row.email,
    picture: row.picture,
    learning_style: parseStringArray(row.learning_style),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toMission(row: MissionRow): Mission {
  return {
    id: row.id,
    creator_id: row.creator_id,
    title: row.title,
    short_description: row.short_description,
    description: row.description,
    level: row.level,
    topics_to_cover: parseStringArray(row.topics_to_cover),
    learning_goal: row.learning_goal,
    byte_size_checkpoints: parseStringArray(row.byte_size_checkpoints),
    skills: parseStringArray(row.skills),
    is_public: row.is_public === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toEnrollment(row: EnrollmentRow): Enrollment {
  return {
    id: row.id,
    user_id: row.user_id,
    mission_id: row.mission_id,
    enrolled_at: row.enrolled_at,
    progress: row.progress,
    completed_checkpoints: parseStringArray(row.completed_checkpoints),
    last_accessed_at: row.last_accessed_at,
    completed: row.completed === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toEnrolledMission(row: EnrolledMissionRow): EnrolledMission {
  return {
    mission_id: row.mission_id,
    mission_title: row.mission_title,
    mission_short_description: row.mission_short_description,
    mission_skills: parseStringArray(row.mission_skills),
    progress: row.progress,
    byte_size_checkpoints: parseStringArray(row.byte_size_checkpoints),
    completed_checkpoints: parseStringArray(row.completed_checkpoints),
    enrolled_at: row.enrolled_at,
    last_accessed_at: row.last_accessed_at,
    completed: row.completed === 1,
    updated_at: row.updated_at,
  };
}

export function toCommanderSession(row: CommanderSessionRow): CommanderSession {
  return {
    id: row.id,
    user_id: row.user_id,
    status: row.status,
    mission_id: row.mission_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    completed_at: row.completed_at,
  };
}

export function toAllySession(row: AllySessionRow): AllySession {
  return {
    id: row.id,
    enrollment_id: row.enrollment_id,
    user_id: row.user_id,
    mission_id: row.mission_id,
    status: row.status,
    created_at: row.created_at,
    updated_at: row.updated_at,
    started_at: row.started_at,
    completed_at: row.completed_at,
  };
}
