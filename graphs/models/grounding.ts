import type { BindToolsInput } from "@langchain/core/language_models/chat_models";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { fetchYoutubeVideosTool, type YoutubeSettings } from "../../tools/index.js";
import { AGENTS, type AgentName } from "../../domain/index.js";

/** Optional help the agents may use; none of it is ever required. */
export interface Grounding {
  /** Gemini's built-in Google Search for the agents allowed to use it; empty when switched off. */
  searchTools(agent: AgentName): BindToolsInput[];
  /** Video recommendations for mission_sensei, present when a YouTube key is configured. */
  videoTool?: StructuredToolInterface;
  describe(): string[];
}

const SEARCH_AGENTS: ReadonlySet<AgentName> = new Set([AGENTS.polaris, AGENTS.sensei]);

/** Gemini runs the search itself, so the tool is this raw declaration rather than a function. */
const GOOGLE_SEARCH = { googleSearch: {} };

export function createGrounding(options: {
  googleSearch: boolean;
  youtube?: YoutubeSettings;
}): Grounding {
  const videoTool = options.youtube ? fetchYoutubeVideosTool(options.youtube) : undefined;
  return {
    searchTools: (agent) =>
      options.googleSearch && SEARCH_AGENTS.has(agent) ? [GOOGLE_SEARCH] : [],
    videoTool,
    describe: () => [
      ...(options.googleSearch ? ["google search for polaris and mission_sensei"] : []),
      ...(videoTool ? ["youtube videos for mission_sensei"] : []),
    ],
  };
}
