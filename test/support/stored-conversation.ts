import { allyClient, commanderClient } from "./learner-clients.js";
import { SEED_INTERVIEW } from "./seed-interview.js";
import { startTestServer } from "./test-server.js";

/** What Grace tells the Ally: a briefing agreed, the first checkpoint's questions answered. */
export const GRACE_ALLY = [
  "Hi!",
  "Yes, that sounds great!",
  "It keeps the steps in order.",
  "I would try it on a small example.",
  "I feel confident about it.",
];

/**
 * Grace's seed interview, then `GRACE_ALLY` with the Ally, held on a real server whose SQLite file
 * is in `dataDir`; the server is stopped once the conversation is over.
 */
export async function holdConversationOnDisk(dataDir: string) {
  const server = await startTestServer({ env: { DATA_DIR: dataDir, SQLITE_PATH: "" } });
  try {
    const { token, uid } = await server.login("grace@example.com", "Grace");
    const commander = commanderClient(server.http, token);
    for (const content of SEED_INTERVIEW) await commander.ask(content);
    const missionId = commander.mission!.id;
    const ally = allyClient(server.http, token, missionId);
    for (const message of GRACE_ALLY) await ally.ask(message);
    ally.close();
    return { uid, sessionId: commander.sessionId!, missionId };
  } finally {
    await server.stop();
  }
}
