import { GIT_MISSION } from "../support/missions.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket } from "../support/ws-client.js";

const EVIL = "http://evil.example";
const FRONTEND = "http://app.example";

let server: TestServer;
let token: string;
let own: string;
beforeAll(async () => {
  server = await startTestServer({ env: { ALLOWED_ORIGINS: FRONTEND } });
  token = (await server.login("ada@example.com", "Ada")).token;
  own = server.http;
});
afterAll(() => server.stop());

async function missionCount() {
  const res = await fetch(`${server.http}/api/v1/user/enrolled-missions`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as unknown[]).length;
}

const createMission = (headers: Record<string, string>) =>
  fetch(`${server.http}/api/v1/missions/enrollment`, {
    method: "POST",
    headers,
    body: JSON.stringify(GIT_MISSION),
  });

describe("cross-site requests", () => {
  it("change nothing with the session cookie unless an allowed Origin sends JSON", async () => {
    const cookie = `session=${token}`;
    const before = await missionCount();
    const refused: [Record<string, string>, number][] = [
      [{ Cookie: cookie, "Content-Type": "application/json" }, 403],
      [{ Cookie: cookie, Origin: EVIL, "Content-Type": "application/json" }, 403],
      [{ Cookie: cookie, Origin: EVIL, "Content-Type": "text/plain" }, 403],
      [{ Cookie: cookie, Origin: own, "Content-Type": "text/plain" }, 415],
      [{ Cookie: cookie, Origin: own, "Content-Type": "application/x-www-form-urlencoded" }, 415],
      [{ Cookie: cookie, Origin: "null", "Content-Type": "application/json" }, 403],
    ];
    for (const [headers, status] of refused) {
      const res = await createMission(headers);
      expect([headers, res.status]).toEqual([headers, status]);
      expect(await res.json()).toMatchObject({ error_code: "CROSS_SITE" });
    }
    expect(await missionCount()).toBe(before);

    for (const origin of [own, FRONTEND]) {
      const res = await createMission({
        Cookie: cookie,
        Origin: origin,
        "Content-Type": "application/json; charset=utf-8",
      });
      expect(res.status).toBe(201);
    }
    expect(await missionCount()).toBe(before + 2);
  });

  it("take a token in the Authorization header from anywhere", async () => {
    const res = await createMission({
      Authorization: `Bearer ${token}`,
      Origin: EVIL,
      "Content-Type": "text/plain",
    });
    expect(res.status).toBe(201);
  });

  it("cannot sign a browser in from another site", async () => {
    const res = await fetch(`${server.http}/api/v1/auth/dev-login`, {
      method: "POST",
      headers: { Origin: EVIL, "Content-Type": "text/plain" },
      body: JSON.stringify({ email: "mallory@example.com" }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("open no socket with the session cookie from another site, and send it no history", async () => {
    const { session_id } = await server.createSession(token);
    const url = `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}`;
    const first = new TestSocket(`${url}&token=${token}`);
    await first.waitFor("connected");
    first.send({ type: "user_message", content: "I want to learn Python for data analysis" });
    await first.waitFor("agent_message");
    first.close();
    await first.closed;

    for (const origin of [EVIL, undefined]) {
      const socket = new TestSocket(url, {
        headers: { Cookie: `session=${token}` },
        ...(origin ? { origin } : {}),
      });
      expect(await socket.closed).toEqual({
        code: 1008,
        reason: "Cross-site WebSocket refused: Origin not allowed",
      });
      expect(socket.frames).toEqual([
        { type: "error", message: "Cross-site WebSocket refused: Origin not allowed" },
      ]);
    }
    for (const origin of [own, FRONTEND]) {
      const socket = new TestSocket(url, { headers: { Cookie: `session=${token}` }, origin });
      await socket.waitFor("historical_messages");
      socket.close();
      await socket.closed;
    }
    // A token in the query or a header proves itself, whatever the page.
    const viaToken: { url: string; headers: Record<string, string> }[] = [
      { url: `${url}&token=${token}`, headers: {} },
      { url, headers: { Authorization: `Bearer ${token}` } },
    ];
    for (const options of viaToken) {
      const socket = new TestSocket(options.url, { headers: options.headers, origin: EVIL });
      await socket.waitFor("historical_messages");
      socket.close();
      await socket.closed;
    }
  });
});
