import { SEED_INTERVIEW } from "./seed-interview.js";
import { TestSocket, type Frame } from "./ws-client.js";

/** A server reached at `host:port`, as a learner's client reaches it. */
export async function signIn(host: string): Promise<string> {
  const res = await fetch(`http://${host}/api/v1/auth/dev-login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: "ada@example.com", name: "Ada" }),
  });
  return ((await res.json()) as { token: string }).token;
}

/**
 * A Commander session with `messages` sent one at a time, each waiting for its reply: by default
 * the seed interview, from a new session to `mission_created`.
 */
export async function interview(
  host: string,
  token: string,
  messages: readonly string[] = SEED_INTERVIEW,
): Promise<{ sessionId: string; frames: Frame[] }> {
  const res = await fetch(`http://${host}/api/v1/sessions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
  });
  const { session_id } = (await res.json()) as { session_id: string };
  const socket = new TestSocket(
    `ws://${host}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
  );
  await socket.waitFor("connected");
  for (const content of messages) {
    const from = socket.frames.length;
    socket.send({ type: "user_message", content });
    await socket.waitForFrames(from + 1);
  }
  socket.close();
  await socket.closed;
  return { sessionId: session_id, frames: socket.frames };
}

/** A learner who agrees to briefings, answers questions and says they are confident. */
function learnerReply(frames: Frame[]): string {
  const last = frames.filter((f) => f.type === "agent_message").at(-1)?.message as string;
  if (/fit/i.test(last) && /\?\s*$/.test(last)) return "Yes, that sounds great!";
  if (/confident/i.test(last)) return "I feel confident about it.";
  return "I think it means breaking the idea into smaller parts and applying them step by step.";
}

/** The Ally, from `connected` to `session_closed`; the frames and the close code. */
export async function wholeAllySession(host: string, token: string, missionId: string) {
  const socket = new TestSocket(
    `ws://${host}/api/v1/mission-ally/ws?mission_id=${missionId}&token=${token}`,
  );
  await socket.waitFor("connected");
  const closed = () => socket.frames.some((f) => f.type === "session_closed");
  for (let turn = 0; turn < 60 && !closed(); turn++) {
    const from = socket.frames.length;
    socket.send({ type: "user_message", message: learnerReply(socket.frames) });
    await socket.waitFor("agent_processing_end", from);
    // `session_closed` follows the last turn's `agent_processing_end`.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { frames: socket.frames, close: await socket.closed };
}
