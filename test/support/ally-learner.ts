import type { AllyClient, AllyTurn } from "../../client/index.js";
import type { Frame, TestSocket } from "./ws-client.js";

/** What a learner who agrees to briefings, answers questions and says they are confident answers. */
export function learnerReplyTo(agentSaid: string | undefined): string {
  const last = agentSaid ?? "";
  if (/fit/i.test(last) && /\?\s*$/.test(last)) return "Yes, that sounds great!";
  if (/confident/i.test(last)) return "I feel confident about it.";
  return "I think it means breaking the idea into smaller parts and applying them step by step.";
}

/** That learner's answer to the last `agent_message` among `frames`. */
export function learnerReply(frames: Frame[]): string {
  return learnerReplyTo(frames.filter((f) => f.type === "agent_message").at(-1)?.message as string);
}

/** An Ally turn's frames, from the message sent to `agent_processing_end` (and `session_closed`). */
export async function allyTurn(socket: TestSocket, message: string): Promise<Frame[]> {
  const from = socket.frames.length;
  socket.send({ type: "user_message", message });
  await socket.waitFor("agent_processing_end", from);
  await socket.settle();
  return socket.frames.slice(from).filter((f) => f.type !== "pong");
}

/**
 * That learner, on the client library's Ally, from `opening` to the end of the mission (or
 * `maxTurns` turns); resolves with the turns.
 */
export async function walkMission(
  client: AllyClient,
  opening = "Hello, I'm ready to start learning!",
  maxTurns = 60,
): Promise<AllyTurn[]> {
  const turns = [await client.ask(opening)];
  while (!client.finished && turns.length < maxTurns) {
    const said = client.messages.findLast((m) => m.role === "agent")?.text;
    turns.push(await client.ask(learnerReplyTo(said)));
  }
  return turns;
}
