import type { Database } from "better-sqlite3";
import {
  AllySessionStatusSchema,
  CommanderSessionStatusSchema,
  LevelSchema,
  TranscriptRoleSchema,
} from "../../domain/index.js";

/** The values a text column may hold, for its CHECK constraint. */
const oneOf = (values: readonly string[]) => values.map((value) => `'${value}'`).join(", ");

/**
 * The tables mirror the upstream Firestore collections. Arrays are JSON text, booleans 0/1 and
 * timestamps ISO-8601 UTC strings. Users are not foreign keys so that every adapter accepts the
 * same user ids (Firestore has no referential integrity).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  firebase_uid TEXT NOT NULL UNIQUE,
  name TEXT,
  email TEXT,
  picture TEXT,
  learning_style TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS missions (
  id TEXT PRIMARY KEY,
  creator_id TEXT NOT NULL,
  title TEXT NOT NULL,
  short_description TEXT NOT NULL,
  description TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN (${oneOf(LevelSchema.options)})),
  topics_to_cover TEXT NOT NULL,
  learning_goal TEXT NOT NULL,
  byte_size_checkpoints TEXT NOT NULL,
  skills TEXT NOT NULL,
  is_public INTEGER NOT NULL CHECK (is_public IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS enrollments (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  mission_id TEXT NOT NULL REFERENCES missions (id),
  enrolled_at TEXT NOT NULL,
  progress REAL NOT NULL,
  completed_checkpoints TEXT NOT NULL,
  last_accessed_at TEXT NOT NULL,
  completed INTEGER NOT NULL CHECK (completed IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (user_id, mission_id)
);

CREATE TABLE IF NOT EXISTS enrolled_missions (
  user_id TEXT NOT NULL,
  mission_id TEXT NOT NULL REFERENCES missions (id),
  mission_title TEXT NOT NULL,
  mission_short_description TEXT NOT NULL,
  mission_skills TEXT NOT NULL,
  progress REAL NOT NULL,
  byte_size_checkpoints TEXT NOT NULL,
  completed_checkpoints TEXT NOT NULL,
  enrolled_at TEXT NOT NULL,
  last_accessed_at TEXT NOT NULL,
  completed INTEGER NOT NULL CHECK (completed IN (0, 1)),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, mission_id),
  FOREIGN KEY (user_id, mission_id) REFERENCES enrollments (user_id, mission_id)
);

CREATE INDEX IF NOT EXISTS enrolled_missions_by_mission ON enrolled_missions (mission_id);

CREATE TABLE IF NOT EXISTS session_logs (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN (${oneOf(CommanderSessionStatusSchema.options)})),
  mission_id TEXT REFERENCES missions (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  completed_at TEXT
);

CREATE INDEX IF NOT EXISTS session_logs_by_user ON session_logs (user_id, updated_at);

CREATE TABLE IF NOT EXISTS enrollment_session_logs (
  id TEXT PRIMARY KEY,
  enrollment_id TEXT NOT NULL UNIQUE REFERENCES enrollments (id),
  user_id TEXT NOT NULL,
  mission_id TEXT NOT NULL REFERENCES missions (id),
  status TEXT NOT NULL CHECK (status IN (${oneOf(AllySessionStatusSchema.options)})),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT
);

CREATE TABLE IF NOT EXISTS transcript_entries (
  thread_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN (${oneOf(TranscriptRoleSchema.options)})),
  agent TEXT,
  node TEXT,
  text TEXT NOT NULL,
  turn_id TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (thread_id, seq),
  UNIQUE (thread_id, id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS conversation_leases (
  key TEXT PRIMARY KEY,
  owner TEXT,
  token INTEGER NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
`;

export function applySchema(db: Database): void {
  db.exec(SCHEMA);
}
