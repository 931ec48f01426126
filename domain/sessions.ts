import { z } from "zod";

export const CommanderSessionStatusSchema = z.enum(["active", "completed", "abandoned", "error"]);
export type CommanderSessionStatus = z.infer<typeof CommanderSessionStatusSchema>;

/** A Mission Commander conversation: the interview that ends with a mission (`session_logs`). */
export const CommanderSessionSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  status: CommanderSessionStatusSchema,
  /** The mission the session created, once it is `completed` by creating one. */
  mission_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  completed_at: z.string().nullable(),
});
export type CommanderSession = z.infer<typeof CommanderSessionSchema>;

export const AllySessionStatusSchema = z.enum(["created", "started", "completed"]);
export type AllySessionStatus = z.infer<typeof AllySessionStatusSchema>;

/** A Mission Ally conversation, one per enrollment (`enrollment_session_logs`). */
export const AllySessionSchema = z.object({
  id: z.string(),
  enrollment_id: z.string(),
  user_id: z.string(),
  mission_id: z.string(),
  status: AllySessionStatusSchema,
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
});
export type AllySession = z.infer<typeof AllySessionSchema>;

export function newCommanderSession(id: string, userId: string, now: string): CommanderSession {
  return {
    id,
    user_id: userId,
    status: "active",
    mission_id: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
}

/** The session in `status`; completing it again keeps the first completion time. */
export function withCommanderStatus(
  session: CommanderSession,
  status: CommanderSessionStatus,
  now: string,
): CommanderSession {
  const completedAt = status === "completed" ? (session.completed_at ?? now) : session.completed_at;
  return { ...session, status, completed_at: completedAt, updated_at: now };
}

/**
 * The session moved on: `started` only from `created`, `completed` from anything but itself. A
 * move that does not apply returns the session as it was.
 */
export function withAllyStatus(
  session: AllySession,
  status: "started" | "completed",
  now: string,
): AllySession {
  if (status === "started" && session.status !== "created") return session;
  if (status === "completed" && session.status === "completed") return session;
  const stamp = status === "started" ? "started_at" : "completed_at";
  return { ...session, status, [stamp]: now, updated_at: now };
}
