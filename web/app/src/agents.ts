/** The names learners know the agents by. */
const NAMES: Record<string, string> = {
  polaris: "Polaris",
  mission_curator: "Polaris",
  mission_ally: "Lumina",
  mission_sensei: "Sensei",
};

export const agentName = (agent: string | undefined, fallback: string) =>
  (agent && NAMES[agent]) || fallback;

/** A learner waits at most 10 s between reconnection attempts. */
export const RECONNECT = { initialDelayMs: 500, maxDelayMs: 10_000 };
