/** The names learners know the agents by. */
const NAMES: Record<string, string> = {
  polaris: "Polaris",
  mission_curator: "Polaris",
  mission_ally: "Lumina",
  mission_sensei: "Sensei",
};

export const agentName = (agent: string | undefined, fallback: string) =>
  (agent && NAMES[agent]) || fallback;
