export const AGENT_NAMES = [
  "polaris",
  "mission_curator",
  "mission_ally",
  "mission_sensei",
] as const;

export type AgentName = (typeof AGENT_NAMES)[number];
