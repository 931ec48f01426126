import { walkMission } from "./ally-learner.js";
import { allyClient, commanderClient, recordFrames, whenClosed } from "./learner-clients.js";
import { SEED_INTERVIEW } from "./seed-interview.js";

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
 * A new Commander session on the client library, with `messages` asked one at a time: by default
 * the seed interview, to `mission_created`. Resolves with every frame the server sent.
 */
export async function interview(
  host: string,
  token: string,
  messages: readonly string[] = SEED_INTERVIEW,
) {
  const client = commanderClient(`http://${host}`, token);
  const frames = recordFrames(client);
  await client.connect();
  for (const text of messages) await client.ask(text);
  client.close();
  return { sessionId: client.sessionId!, frames, mission: client.mission };
}

/** The Ally on the client library, from `connected` to `session_closed`; the frames and the close. */
export async function wholeAllySession(host: string, token: string, missionId: string) {
  const client = allyClient(`http://${host}`, token, missionId);
  const frames = recordFrames(client);
  await walkMission(client);
  return { frames, close: await whenClosed(client) };
}
