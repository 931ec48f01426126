import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type {
  AllySession,
  CommanderSession,
  CommanderSessionStatus,
  CreateMissionInput,
  EnrolledMission,
  Enrollment,
  Identity,
  Mission,
  MissionCreated,
  MissionPatch,
  NewTranscriptEntry,
  ProgressUpdate,
  TranscriptEntry,
  User,
  UserPatch,
} from "../domain/index.js";

export interface UserStore {
  /** Returns the user keyed by `identity.uid`, creating it from the identity's claims on first sight. */
  ensure(identity: Identity): Promise<User>;
  get(uid: string): Promise<User | null>;
  update(uid: string, patch: UserPatch): Promise<User | null>;
}

export interface MissionStore {
  get(id: string): Promise<Mission | null>;
  /**
   * Creates the mission, the creator's enrollment, its dashboard copy and the Ally session in one
   * transaction. With `commanderSessionId` the Commander session is completed in the same
   * transaction, and a second call for that session returns what the first one created.
   */
  createWithEnrollment(input: CreateMissionInput): Promise<MissionCreated>;
  /** Updates the mission and, for title, short description or skills, every dashboard copy. */
  update(id: string, patch: MissionPatch): Promise<Mission | null>;
}

export interface EnrollmentStore {
  get(userId: string, missionId: string): Promise<Enrollment | null>;
  listForUser(userId: string): Promise<EnrolledMission[]>;
  /**
   * Writes progress to the enrollment and the dashboard copy in one transaction, refreshing
   * `last_accessed_at`. Progress never goes down and completed checkpoints are never forgotten.
   */
  recordProgress(userId: string, missionId: string, update: ProgressUpdate): Promise<Enrollment>;
}

export interface CommanderSessionStore {
  create(userId: string): Promise<CommanderSession>;
  get(id: string): Promise<CommanderSession | null>;
  /** The user's sessions, most recently updated first, at most `limit` of them. */
  listForUser(userId: string, limit: number): Promise<CommanderSession[]>;
  setStatus(id: string, status: CommanderSessionStatus): Promise<void>;
}

export interface AllySessionStore {
  getForEnrollment(enrollmentId: string): Promise<AllySession | null>;
  /** Moves a `created` session to `started`; other statuses are left alone. */
  markStarted(id: string): Promise<AllySession>;
  markCompleted(id: string): Promise<AllySession>;
}

/**
 * Each conversation's transcript: an append-only log of the messages its learner saw, keyed by the
 * conversation's thread id. Entries are never rewritten.
 */
export interface TranscriptStore {
  /**
   * Appends the entries in order, all or none, numbering them after the log's last entry. An entry
   * whose id the log already holds is not appended again: the stored one is returned in its place,
   * so a retried append never duplicates. Returns the given entries as stored.
   */
  append(threadId: string, entries: NewTranscriptEntry[]): Promise<TranscriptEntry[]>;
  /** Entries in order, after `afterSeq` (exclusive) when given, at most `limit` of them. */
  list(threadId: string, options?: TranscriptPage): Promise<TranscriptEntry[]>;
}

export interface TranscriptPage {
  afterSeq?: number;
  limit?: number;
}

export interface Store {
  users: UserStore;
  missions: MissionStore;
  enrollments: EnrollmentStore;
  commanderSessions: CommanderSessionStore;
  allySessions: AllySessionStore;
  transcripts: TranscriptStore;
  checkpointer: BaseCheckpointSaver;
  close(): Promise<void>;
}
