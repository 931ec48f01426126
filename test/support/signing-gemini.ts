import { allyThreadId, enrollmentId } from "../../domain/index.js";
import type { GenerateContentRequest } from "../../evals/gemini-replay/gemini-wire.js";
import { allyTurn } from "./ally-learner.js";
import { answerFromRequest, type AnswerPolicy } from "./generic-gemini.js";
import type { TestServer } from "./test-server.js";
import { TestSocket } from "./ws-client.js";

// A policy for the generic Gemini stand-in that follows one instruction it may find in a request's
// system prompt, "Sign every reply with: …", so that an edited prompt shows in the replies.

const SIGN = /^Sign every reply with: (.+)$/m;

/** The line to add to a prompt so that the agent reading it signs its replies. */
export const signature = (name: string) => `\nSign every reply with: ${name}\n`;

function systemText(request: GenerateContentRequest): string {
  const system = request.systemInstruction;
  if (typeof system === "string") return system;
  return (system?.parts ?? []).map((part) => part.text ?? "").join("");
}

/** The stand-in's usual answer, signed as the system prompt asks (JSON answers are left alone). */
export const signing: AnswerPolicy = (request) => {
  const answer = answerFromRequest(request);
  const name = SIGN.exec(systemText(request))?.[1];
  if (!name) return answer;
  return answer.map((part) =>
    part.text && !/^[[{]/.test(part.text) ? { ...part, text: `${part.text} ${name}` } : part,
  );
};

const INTERVIEW = [
  "I want to learn Python for data analysis",
  "I'm a complete beginner",
  "Yes, that's correct",
];

/** A mission's briefing, then its first checkpoint taught, answered and completed. */
export const ALLY_ON_GEMINI = [
  "Hi, I'm ready to begin!",
  "Yes, let's start",
  "I think it means keeping a snapshot of the work at each step",
  "Yes, I'm confident: a snapshot lets me go back to any earlier step",
];

/** An interview, then `ALLY_ON_GEMINI` with the Ally; resolves with the Ally's thread. */
export async function allyConversation(server: TestServer, token: string, uid: string) {
  const { session_id } = await server.createSession(token);
  const commander = new TestSocket(
    `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
  );
  await commander.waitFor("connected");
  for (const content of INTERVIEW) {
    const from = commander.frames.length;
    commander.send({ type: "user_message", content });
    await commander.waitForFrames(from + 1);
  }
  const created = commander.frames.find((f) => f.type === "mission_created");
  const missionId = (created!.mission as { id: string }).id;
  const ally = new TestSocket(
    `${server.ws}/api/v1/mission-ally/ws?mission_id=${missionId}&token=${token}`,
  );
  await ally.waitFor("connected");
  for (const message of ALLY_ON_GEMINI) await allyTurn(ally, message);
  ally.close();
  await ally.closed;
  return { thread: allyThreadId(enrollmentId(uid, missionId)), sessionId: session_id, missionId };
}
