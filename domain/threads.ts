/**
 * Every conversation is one LangGraph thread: `commander:{sessionId}` for a Commander session,
 * `ally:{enrollmentId}` for the Ally on an enrollment.
 */
export type ThreadOwner =
  { agent: "commander"; sessionId: string } | { agent: "ally"; enrollmentId: string };

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
  if (threadId.startsWith(ALLY) && threadId.length > ALLY.length) {
    return { agent: "ally", enrollmentId: threadId.slice(ALLY.length) };
  }
  return undefined;
}
