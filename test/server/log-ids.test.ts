import { commanderThreadId } from "../../domain/index.js";
import { createModelFactory } from "../../graphs/index.js";
import { loadConfig } from "../../server/index.js";
import { wrapFactory } from "../support/model-wrappers.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket } from "../support/ws-client.js";

type Line = Record<string, unknown> & { msg: string };

let server: TestServer;
afterEach(() => server.stop());

const lines = (): Line[] => server.logLines.map((l) => JSON.parse(l) as Line);
// The process's own lines, which belong to no request.
const LIFECYCLE = /^(listening|open http:\/\/\S+|draining|stopped)$/;

describe("log lines", () => {
  it("carry the request id or the conversation id", async () => {
    // Polaris fails once, so a turn fails and logs why.
    const { factory } = wrapFactory(createModelFactory(loadConfig({}).models), "polaris", {
      failures: 1,
    });
    server = await startTestServer({ models: factory });
    const { token } = await server.login("ada@example.com", "Ada");
    const { session_id } = await server.createSession(token);
    const socket = new TestSocket(
      `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
      { headers: { "X-Request-Id": "upgrade-42" } },
    );
    await socket.waitFor("connected");
    for (const content of [SEED_INTERVIEW[0]!, ...SEED_INTERVIEW]) {
      const from = socket.frames.length;
      socket.send({ type: "user_message", content });
      await socket.waitForFrames(from + 1);
    }
    await socket.closed;

    await server.store.close();
    const failed = await fetch(`${server.http}/api/v1/user/profile`, {
      headers: { Authorization: `Bearer ${token}`, "X-Request-Id": "req-7" },
    });
    expect(failed.status).toBe(500);
    expect(failed.headers.get("x-request-id")).toBe("req-7");
    const generated = await fetch(`${server.http}/api/v1/user/profile`, {
      headers: { Authorization: `Bearer ${token}`, "X-Request-Id": "no spaces allowed" },
    });
    const generatedId = generated.headers.get("x-request-id");
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);

    const conversation = commanderThreadId(session_id);
    const turnFailed = lines().find((l) => l.msg === "commander turn failed");
    expect(turnFailed).toMatchObject({ conversation_id: conversation, request_id: "upgrade-42" });
    const usage = lines().filter((l) => l.msg === "turn usage");
    // Every turn logs its usage, the failed one included.
    expect(usage.length).toBe(SEED_INTERVIEW.length + 1);
    for (const line of usage) expect(line.conversation_id).toBe(conversation);
    const requestFailed = lines().filter((l) => l.msg === "request failed");
    expect(requestFailed.map((l) => l.request_id)).toEqual(["req-7", generatedId]);

    const unlabelled = lines().filter(
      (l) => !LIFECYCLE.test(l.msg) && !("request_id" in l) && !("conversation_id" in l),
    );
    expect(unlabelled).toEqual([]);
  });
});
