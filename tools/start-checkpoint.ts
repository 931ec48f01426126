import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { TOOLS } from "../domain/index.js";

/** Lumina calls this when the learner agrees to the briefing; the graph then starts teaching. */
export const startCheckpoint = tool(async () => "Teaching begins.", {
  name: TOOLS.startCheckpoint,
  description:
    "Call when the learner agrees that the briefed checkpoint fits and is ready to start.",
  schema: z.object({}),
});
