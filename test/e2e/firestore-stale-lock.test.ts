import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { leaveStaleLock } from "../support/stale-lock.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket } from "../support/ws-client.js";

const BUDGET_MS = 4_000;

let server: TestServer;

afterEach(async () => {
  // The dead transaction's lock outlives the test (about 70 s), and clearing a database waits for
  // its locks: this test's database is left to the emulator, which goes away after the run.
  await server.server.shutdown();
});

describe("a Firestore lock left by a process killed inside a transaction", () => {
  it("gets the learner a clear error within the transaction budget, and leaves nothing half done", async () => {
    server = await startTestServer({
      env: {
        FIRESTORE_TRANSACTION_ATTEMPT_MS: "2500",
        FIRESTORE_TRANSACTION_BUDGET_MS: String(BUDGET_MS),
      },
    });
    const { token } = await server.login("ada@example.com", "Ada");
    const { session_id } = await server.createSession(token);
    const url = `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`;
    let socket = new TestSocket(url);
    await socket.waitFor("connected");
    for (const content of SEED_INTERVIEW.slice(0, 4)) await socket.reply(content, 30_000);

    // Creating the mission completes this session in the same transaction.
    const { projectId, databaseId, firestoreEmulatorHost } = server.config.firebase;
    await leaveStaleLock(
      { projectId: projectId!, databaseId: databaseId!, emulatorHost: firestoreEmulatorHost! },
      `session_logs/${session_id}`,
    );
    const started = Date.now();
    const reply = await socket.reply("Yes, that's correct", 30_000);
    const waited = Date.now() - started;

    expect(reply.type).toBe("error");
    expect(reply.message).toMatch(/taking longer than usual.*send it again in a minute/);
    // The budget, plus the scripted models' turn and the undo; far from the lock's 70 s.
    expect(waited).toBeGreaterThanOrEqual(BUDGET_MS - 1_000);
    expect(waited).toBeLessThan(BUDGET_MS + 4_000);
    socket.close();

    // Nothing of the failed turn remains: the interview stands where it was.
    socket = new TestSocket(url);
    const history = await socket.waitFor("historical_messages");
    expect((history.messages as unknown[]).length).toBe(8);
    expect((await server.store.commanderSessions.get(session_id))?.status).not.toBe("completed");
    socket.close();
  }, 60_000);
});
