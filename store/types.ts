export type Level = "Beginner" | "Intermediate" | "Advanced";

export interface User {
  id: string;
  firebase_uid: string;
  name: string | null;
  email: string | null;
  picture: string | null;
  learning_style: string[];
  created_at: string;
  updated_at: string;
}

export interface Identity {
  uid: string;
  name?: string | null;
  email?: string | null;
  picture?: string | null;
}

export interface MissionDraft {
  title: string;
  short_description: string;
  description: string;
  level: Level;
  topics_to_cover: string[];
  learning_goal: string;
  byte_size_checkpoints: string[];
  skills: string[];
  is_public: boolean;
}

export interface Mission extends MissionDraft {
  id: string;
  creator_id: string;
  created_at: string;
  updated_at: string;
}

export type MissionPatch = Partial<
  Pick<Mission, "title" | "short_description" | "description" | "is_public" | "level" | "skills">
>;

export interface Enrollment {
  id: string;
  user_id: string;
  mission_id: string;
  enrolled_at: string;
  progress: number;
  completed_checkpoints: string[];
  last_accessed_at: string;
  completed: boolean;
  created_at: string;
  updated_at: string;
}

/** The user's dashboard copy of an enrollment (`users/{uid}/enrolled_missions/{missionId}`). */
export interface EnrolledMission {
  mission_id: string;
  mission_title: string;
  mission_short_description: string;
  mission_skills: string[];
  progress: number;
  byte_size_checkpoints: string[];
  completed_checkpoints: string[];
  enrolled_at: string;
  last_accessed_at: string;
  completed: boolean;
  updated_at: string;
}

export type CommanderSessionStatus = "active" | "completed" | "abandoned" | "error";

/** A Mission Commander conversation (`session_logs`). */
export interface CommanderSession {
  id: string;
  user_id: string;
  status: CommanderSessionStatus;
  mission_id: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export type AllySessionStatus = "created" | "started" | "completed";

/** A Mission Ally conversation, one per enrollment (`enrollment_session_logs`). */
export interface AllySession {
  id: string;
  enrollment_id: string;
  user_id: string;
  mission_id: string;
  status: AllySessionStatus;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface MissionCreated {
  mission: Mission;
  enrollment: Enrollment;
  allySession: AllySession;
}

export interface ProgressUpdate {
  completed_checkpoints: string[];
  progress: number;
  completed: boolean;
}
