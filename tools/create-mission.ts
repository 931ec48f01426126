import { tool } from "@langchain/core/tools";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { MissionStore } from "../store/index.js";
import { MissionDraftSchema, TOOLS, announce, readCommanderContext } from "../domain/index.js";

/**
 * Persists the curated mission with the learner's enrollment, dashboard copy and Ally session in
 * one transaction, completing the Commander session. Retrying for the same session returns the
 * mission it already created.
 */
export function createMissionTool(missions: MissionStore) {
  return tool(
    async (draft, config: LangGraphRunnableConfig) => {
      const { user_id, session_id } = readCommanderContext(config);
      const created = await missions.createWithEnrollment({
        draft,
        creatorId: user_id,
        commanderSessionId: session_id,
      });
      announce(config, {
        type: "mission_created",
        mission: created.mission,
        enrollment: created.enrollment,
      });
      return JSON.stringify({ mission_id: created.mission.id });
    },
    {
      name: TOOLS.createMission,
      description: "Save the mission and enroll the learner in it.",
      schema: MissionDraftSchema,
    },
  );
}
