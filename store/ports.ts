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
  append(
    threadId: string,
    entries: NewTranscriptEntry[],
    options?: TranscriptAppend,
  ): Promise<TranscriptEntry[]>;
  /** Entries in order, after `afterSeq` (exclusive) when given, at most `limit` of them. */
  list(threadId: string, options?: TranscriptPage): Promise<TranscriptEntry[]>;
}

export interface TranscriptAppend {
  /**
   * The fencing token of the conversation's lease (keyed by the thread id) the append is made
   * under. If it is no longer the current one, nothing is appended and the call fails with
   * `LeaseLostError`; the check and the append are one atomic write.
   */
  fence?: number;
}

/** A conversation's lease, keyed by its thread id. */
export interface Lease {
  key: string;
  /** Who holds it (an instance and one of its sockets), or null once released. */
  owner: string | null;
  /** The fencing token: 1 for the first holder, one more on every change of owner. */
  token: number;
  /** Until when the holder may count on it without renewing (ISO-8601 UTC). */
  expires_at: string;
}

export interface LeaseAcquired {
  lease: Lease;
  /** Whether it was taken from another owner that held it unexpired. */
  tookOver: boolean;
}

/**
 * One writer per conversation. A newer owner always takes the lease over, with the next fencing
 * token; writes made under an older token (checkpoints through `configurable.lease_token`,
 * transcript appends through `fence`) fail from then on. Every method is one atomic step that takes
 * no lock a crashed process could leave behind.
 */
export interface LeaseStore {
  /** Takes the lease for `owner` for `ttlMs`, from whoever holds it; `owner` itself just renews. */
  acquire(key: string, owner: string, ttlMs: number): Promise<LeaseAcquired>;
  /**
   * Extends the lease held under `token` to `ttlMs` from now and returns the new expiry, or null
   * when the token is not current.
   */
  renew(key: string, token: number, ttlMs: number): Promise<string | null>;
  /** Gives the lease up if `token` is still current (the next owner takes it over, not as a takeover). */
  release(key: string, token: number): Promise<boolean>;
  get(key: string): Promise<Lease | null>;
  /**
   * Calls `onChange` with the lease soon after every change of owner or token, here or in any
   * other process, until the returned function is called.
   */
  watch(key: string, onChange: (lease: Lease | null) => void): () => void;
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
  leases: LeaseStore;
  checkpointer: BaseCheckpointSaver;
  close(): Promise<void>;
}
