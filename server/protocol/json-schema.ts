import { z } from "zod";
import {
  AllyClientFrame,
  AllyServerFrame,
  CommanderClientFrame,
  CommanderServerFrame,
} from "./frames.js";

/** The published JSON Schema of every frame, generated from the zod definitions. */
export function protocolJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "LearnForge Agents WebSocket protocol",
    mission_commander: {
      client: z.toJSONSchema(CommanderClientFrame),
      server: z.toJSONSchema(CommanderServerFrame),
    },
    mission_ally: {
      client: z.toJSONSchema(AllyClientFrame),
      server: z.toJSONSchema(AllyServerFrame),
    },
  };
}
