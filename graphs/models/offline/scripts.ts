import type { BaseMessage } from "@langchain/core/messages";
import { AGENTS, type AgentName } from "../../../domain/index.js";
import { sessionOf } from "../../agent-sessions.js";
import { curatorScript } from "./curator-script.js";
import { luminaScript } from "./lumina-script.js";
import { polarisScript } from "./polaris-script.js";
import { senseiScript } from "./sensei-script.js";
import type { BoundTool, ScriptedReply } from "./types.js";

/** The agent's script, played from the session the call carries as its run-time context. */
export function playScript(
  agent: AgentName,
  input: { messages: BaseMessage[]; options: { context?: unknown }; tools: BoundTool[] },
): ScriptedReply {
  const { messages, options, tools } = input;
  switch (agent) {
    case AGENTS.polaris:
      return polarisScript({ messages, tools, session: sessionOf(agent, options) });
    case AGENTS.curator:
      return curatorScript({ messages, tools, session: sessionOf(agent, options) });
    case AGENTS.ally:
      return luminaScript({ messages, tools, session: sessionOf(agent, options) });
    case AGENTS.sensei:
      return senseiScript({ messages, tools, session: sessionOf(agent, options) });
  }
}
