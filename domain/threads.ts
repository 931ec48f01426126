import { parseEnrollmentId } from "./enrollment.js";

/**
 * Every conversation is one LangGraph thread: `commander:{sessionId}` for a Commander session,
 * `ally:{enrollmentId}` (`ally:{userId}_{missionId}`) for the Ally on an enrollment.
 */
export type ThreadOwner =
  | { agent: "commander"; sessionId: string }
  | { agent: "ally"; enrollmentId: string; userId: string; missionId: string };

const COMMANDER = "commander:";
const ALLY = "ally:";

export function commanderThreadId(sessionId: string): string {
  return `${COMMANDER}${sessionId}`;
}

export function allyThreadId(enrollmentId: string): string {
  return `${ALLY}${enrollmentId}`;
}

/** Whose conversation a thread id names, or undefined when it names none. */
export function parseThreadId(threadId: string): ThreadOwner | undefined {
  if (threadId.startsWith(COMMANDER) && threadId.length > COMMANDER.length) {
    return { agent: "commander", sessionId: threadId.slice(COMMANDER.length) };
  }
  const enrollmentId = threadId.startsWith(ALLY) ? threadId.slice(ALLY.length) : "";
  const enrollment = parseEnrollmentId(enrollmentId);
  return enrollment && { agent: "ally", enrollmentId, ...enrollment };
}
