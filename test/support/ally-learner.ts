import type { Frame, TestSocket } from "./ws-client.js";

/** A learner who agrees to briefings, answers questions and says they are confident. */
export function learnerReply(frames: Frame[]): string {
  const last = frames.filter((f) => f.type === "agent_message").at(-1)?.message as string;
  if (/fit/i.test(last) && /\?\s*$/.test(last)) return "Yes, that sounds great!";
  if (/confident/i.test(last)) return "I feel confident about it.";
  return "I think it means breaking the idea into smaller parts and applying them step by step.";
}

/** An Ally turn's frames, from the message sent to `agent_processing_end` (and `session_closed`). */
export async function allyTurn(socket: TestSocket, message: string): Promise<Frame[]> {
  const from = socket.frames.length;
  socket.send({ type: "user_message", message });
  await socket.waitFor("agent_processing_end", from);
  await socket.settle();
  return socket.frames.slice(from).filter((f) => f.type !== "pong");
}
