import type { Firestore } from "firebase-admin/firestore";
import { createModelFactory } from "../../graphs/index.js";
import { loadConfig } from "../../server/index.js";
import type { FirebaseEmulators } from "../support/emulator-context.js";
import { emulatorFirestore, firestoreEmulator } from "../support/emulators.js";
import { Gate, wrapFactory } from "../support/model-wrappers.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket } from "../support/ws-client.js";

let emulators: FirebaseEmulators;
let proxy: TcpProxy;
let server: TestServer;
let raw: Firestore;
let gate: Gate;

beforeEach(async () => {
  emulators = await firestoreEmulator();
  proxy = await TcpProxy.start(emulators.firestoreHost);
  // The curator waits at the gate, so that Firestore can be cut off in the middle of the turn.
  gate = new Gate();
  const { factory } = wrapFactory(createModelFactory(loadConfig({}).models), "mission_curator", {
    gate,
  });
  server = await startTestServer({
    env: { FIRESTORE_EMULATOR_HOST: proxy.host, FIRESTORE_TIMEOUT_MS: "3000" },
    models: factory,
  });
  raw = emulatorFirestore(emulators, server.config.firebase.databaseId ?? "");
  // The first call opens the server's connection, which can take longer than the short deadline.
  await vi.waitFor(() => server.store.users.get("nobody"), { timeout: 15_000 });
});
afterEach(async () => {
  proxy.restore();
  await server.stop();
  await raw.terminate();
  await proxy.close();
});

describe("a Firestore outage in the middle of a turn", () => {
  it("answers with an error, leaves no partial mission, and the interview goes on once Firestore is back", async () => {
    const { token } = await server.login("ada@example.com", "Ada");
    const { session_id, user_id } = await server.createSession(token);
    const socket = new TestSocket(
      `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
    );
    await socket.waitFor("connected");
    for (const content of SEED_INTERVIEW.slice(0, -1)) {
      expect((await socket.reply(content)).type).toBe("agent_message");
    }

    const confirmation = SEED_INTERVIEW.at(-1)!;
    const reply = socket.reply(confirmation, 60_000);
    await gate.reached;
    proxy.cut();
    gate.open();
    // Creating the mission is the first write: its transaction runs out of its budget.
    expect(await reply).toEqual({
      type: "error",
      message:
        "Saving your conversation is taking longer than usual, so your message was not processed. Please send it again in a minute.",
    });
    expect(socket.closeCode).toBeUndefined();

    const count = async (path: string) => (await raw.collection(path).count().get()).data().count;
    for (const path of ["missions", "enrollments", "enrollment_session_logs"]) {
      expect(await count(path)).toBe(0);
    }
    expect(await count(`users/${user_id}/enrolled_missions`)).toBe(0);
    expect((await raw.doc(`session_logs/${session_id}`).get()).get("mission_id")).toBeNull();

    // Back up: the learner sends the confirmation again, as the error asked, until the server's
    // connection to Firestore has come back too (a few seconds at most).
    proxy.restore();
    let created = await socket.reply(confirmation, 30_000);
    for (let retry = 0; retry < 5 && created.type === "error"; retry++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      created = await socket.reply(confirmation, 30_000);
    }
    expect(created.type).toBe("mission_created");
    const mission = created.mission as { id: string; creator_id: string };
    expect(mission.creator_id).toBe(user_id);
    expect((await socket.closed).code).toBe(1000);
    for (const path of ["missions", "enrollments", "enrollment_session_logs"]) {
      expect(await count(path)).toBe(1);
    }
    expect((await raw.doc(`session_logs/${session_id}`).get()).data()).toMatchObject({
      status: "completed",
      mission_id: mission.id,
    });
  }, 120_000);
});
