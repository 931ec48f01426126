import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../server/index.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket } from "../support/ws-client.js";

const SHARED = "a-shared-signing-secret-of-forty-characters";
const OTHER = "another-signing-secret-of-forty-characters";

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

/** Two instances, each with its own data folder, as on two machines. */
async function twoInstances(secretA?: string, secretB?: string) {
  const env = (secret?: string): Record<string, string> =>
    secret ? { LOCAL_AUTH_SECRET: secret } : {};
  servers = await Promise.all([
    startTestServer({ env: env(secretA) }),
    startTestServer({ env: env(secretB) }),
  ]);
  return servers as [TestServer, TestServer];
}

const profileStatus = async (server: TestServer, token: string) =>
  (
    await fetch(`${server.http}/api/v1/user/profile`, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).status;

async function openCommander(server: TestServer, token: string) {
  const session = await server.createSession(token);
  const socket = new TestSocket(
    `${server.ws}/api/v1/mission-commander/ws?session_id=${session.session_id}&token=${token}`,
  );
  await socket.waitFor("connected");
  socket.send({ type: "user_message", content: "I want to learn Python for data analysis" });
  const reply = await socket.waitFor("agent_message", 1);
  socket.close();
  return reply;
}

describe("LOCAL_AUTH_SECRET", () => {
  it("lets instances with the same secret accept each other's tokens, over REST and WebSocket", async () => {
    const [a, b] = await twoInstances(SHARED, SHARED);
    const fromA = await a.login("ada@example.com", "Ada");
    const fromB = await b.login("grace@example.com", "Grace");

    expect(await profileStatus(b, fromA.token)).toBe(200);
    expect(await profileStatus(a, fromB.token)).toBe(200);
    const profile = (await (
      await fetch(`${b.http}/api/v1/user/profile`, {
        headers: { Authorization: `Bearer ${fromA.token}` },
      })
    ).json()) as { id: string };
    expect(profile.id).toBe(fromA.uid);
    expect((await openCommander(b, fromA.token)).type).toBe("agent_message");
  });

  it("makes instances with different secrets refuse each other's tokens", async () => {
    const [a, b] = await twoInstances(SHARED, OTHER);
    const { token } = await a.login("ada@example.com", "Ada");
    expect(await profileStatus(a, token)).toBe(200);
    expect(await profileStatus(b, token)).toBe(401);

    const socket = new TestSocket(
      `${b.ws}/api/v1/mission-commander/ws?session_id=x&token=${token}`,
    );
    const { code } = await socket.closed;
    expect(code).toBe(1008);
    expect(socket.frames[0]?.type).toBe("error");
  });

  it("is unset by default, so each instance signs with the secret in its own data folder", async () => {
    const [a, b] = await twoInstances();
    const { token } = await a.login("ada@example.com", "Ada");
    expect(await profileStatus(a, token)).toBe(200);
    expect(await profileStatus(b, token)).toBe(401);
    expect(existsSync(join(a.config.dataDir, "local-auth-secret"))).toBe(true);
  });

  it("is never written to the data folder nor to a log line", async () => {
    const [a] = await twoInstances(SHARED, SHARED);
    const { token } = await a.login("ada@example.com", "Ada");
    await openCommander(a, token);
    expect(existsSync(join(a.config.dataDir, "local-auth-secret"))).toBe(false);
    expect(a.logLines.length).toBeGreaterThan(0);
    for (const line of [...a.logLines, ...servers[1]!.logLines]) expect(line).not.toContain(SHARED);
  });

  it("refuses a short secret without echoing it", () => {
    const short = "too-short-secret";
    let message = "";
    try {
      loadConfig({ LOCAL_AUTH_SECRET: short });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("LOCAL_AUTH_SECRET");
    expect(message).not.toContain(short);
  });
});
