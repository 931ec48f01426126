import { Timestamp, type DocumentSnapshot } from "firebase-admin/firestore";
import type {
  AllySession,
  AllySessionStatus,
  CommanderSession,
  CommanderSessionStatus,
  EnrolledMission,
  Enrollment,
  Level,
  Mission,
  User,
} from "../types.js";

/** Domain documents keep times as Firestore timestamps; the ports speak ISO-8601 strings. */
export function timestamp(iso: string): Timestamp {
  return Timestamp.fromDate(new Date(iso));
}

const LEVELS: readonly Level[] = ["Beginner", "Intermediate", "Advanced"];
const COMMANDER_STATUSES: readonly CommanderSessionStatus[] = [
  "active",
  "completed",
  "abandoned",
  "error",
];
const ALLY_STATUSES: readonly AllySessionStatus[] = ["created", "started", "completed"];

/** Typed reads of one document's fields, failing with the document's path on a bad field. */
function fields(snapshot: DocumentSnapshot) {
  const data = snapshot.data() ?? {};
  const bad = (field: string) => new Error(`Malformed document ${snapshot.ref.path}: ${field}`);
  const string = (field: string): string => {
    const value: unknown = data[field];
    if (typeof value !== "string") throw bad(field);
    return value;
  };
  const time = (field: string): string => {
    const value: unknown = data[field];
    if (!(value instanceof Timestamp)) throw bad(field);
    return value.toDate().toISOString();
  };
  return {
    string,
    time,
    nullableString: (field: string) => (data[field] === null ? null : string(field)),
    nullableTime: (field: string) => (data[field] === null ? null : time(field)),
    strings(field: string): string[] {
      const value: unknown = data[field];
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
        throw bad(field);
      }
      return value;
    },
    number(field: string): number {
      const value: unknown = data[field];
      if (typeof value !== "number") throw bad(field);
      return value;
    },
    boolean(field: string): boolean {
      const value: unknown = data[field];
      if (typeof value !== "boolean") throw bad(field);
      return value;
    },
    oneOf<T extends string>(field: string, allowed: readonly T[]): T {
      const value = string(field);
      const match = allowed.find((item) => item === value);
      if (match === undefined) throw bad(field);
      return match;
    },
  };
}

export function toUser(snapshot: DocumentSnapshot): User {
  const f = fields(snapshot);
  return {
    id: snapshot.id,
    firebase_uid: f.string("firebase_uid"),
    name: f.nullableString("name"),
    email: f.nullableString("email"),
    picture: f.nullableString("picture"),
    learning_style: f.strings("learning_style"),
    created_at: f.time("created_at"),
    updated_at: f.time("updated_at"),
  };
}

export function toMission(snapshot: DocumentSnapshot): Mission {
  const f = fields(snapshot);
  return {
    id: snapshot.id,
    creator_id: f.string("creator_id"),
    title: f.string("title"),
    short_description: f.string("short_description"),
    description: f.string("description"),
    level: f.oneOf("level", LEVELS),
    topics_to_cover: f.strings("topics_to_cover"),
    learning_goal: f.string("learning_goal"),
    byte_size_checkpoints: f.strings("byte_size_checkpoints"),
    skills: f.strings("skills"),
    is_public: f.boolean("is_public"),
    created_at: f.time("created_at"),
    updated_at: f.time("updated_at"),
  };
}

export function toEnrollment(snapshot: DocumentSnapshot): Enrollment {
  const f = fields(snapshot);
  return {
    id: snapshot.id,
    user_id: f.string("user_id"),
    mission_id: f.string("mission_id"),
    enrolled_at: f.time("enrolled_at"),
    progress: f.number("progress"),
    completed_checkpoints: f.strings("completed_checkpoints"),
    last_accessed_at: f.time("last_accessed_at"),
    completed: f.boolean("completed"),
    created_at: f.time("created_at"),
    updated_at: f.time("updated_at"),
  };
}

export function toEnrolledMission(snapshot: DocumentSnapshot): EnrolledMission {
  const f = fields(snapshot);
  return {
    mission_id: f.string("mission_id"),
    mission_title: f.string("mission_title"),
    mission_short_description: f.string("mission_short_description"),
    mission_skills: f.strings("mission_skills"),
    progress: f.number("progress"),
    byte_size_checkpoints: f.strings("byte_size_checkpoints"),
    completed_checkpoints: f.strings("completed_checkpoints"),
    enrolled_at: f.time("enrolled_at"),
    last_accessed_at: f.time("last_accessed_at"),
    completed: f.boolean("completed"),
    updated_at: f.time("updated_at"),
  };
}

export function toCommanderSession(snapshot: DocumentSnapshot): CommanderSession {
  const f = fields(snapshot);
  return {
    id: snapshot.id,
    user_id: f.string("user_id"),
    status: f.oneOf("status", COMMANDER_STATUSES),
    mission_id: f.nullableString("mission_id"),
    created_at: f.time("created_at"),
    updated_at: f.time("updated_at"),
    completed_at: f.nullableTime("completed_at"),
  };
}

export function toAllySession(snapshot: DocumentSnapshot): AllySession {
  const f = fields(snapshot);
  return {
    id: snapshot.id,
    enrollment_id: f.string("enrollment_id"),
    user_id: f.string("user_id"),
    mission_id: f.string("mission_id"),
    status: f.oneOf("status", ALLY_STATUSES),
    created_at: f.time("created_at"),
    updated_at: f.time("updated_at"),
    started_at: f.nullableTime("started_at"),
    completed_at: f.nullableTime("completed_at"),
  };
}
