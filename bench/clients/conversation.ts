import { allyThreadId, commanderThreadId, enrollmentId } from "../../domain/index.js";
import type { ProductServer } from "../targets/product-server.js";
import { AgentSocket, type AgentName, type TurnResult } from "./agent-socket.js";
import type { Learner } from "./learner-api.js";

export interface Conversation {
  socket: AgentSocket;
  /** The LangGraph thread the server keeps it in. */
  threadId: string;
}

/** A new interview (Commander) or a new mission enrollment (Ally) for the learner, connected. */
export async function openConversation(
  server: ProductServer,
  agent: AgentName,
  learner: Learner,
): Promise<Conversation> {
  if (agent === "commander") {
    const sessionId = await server.api.createSession(learner);
    return {
      socket: await AgentSocket.open(server.commanderUrl(learner, sessionId), agent),
      threadId: commanderThreadId(sessionId),
    };
  }
  const missionId = await server.api.enroll(learner);
  return {
    socket: await AgentSocket.open(server.allyUrl(learner, missionId), agent),
    threadId: allyThreadId(enrollmentId(learner.uid, missionId)),
  };
}

/** Sends one turn and fails loudly if it did not get its answer: a long conversation must not. */
export async function mustTurn(conversation: Conversation, text: string, turn: number) {
  const result: TurnResult = await conversation.socket.turn(text);
  if (result.failure) throw new Error(`turn ${turn} failed: ${result.failure}`);
  if (result.finished) throw new Error(`turn ${turn} ended the conversation`);
  return result;
}
