import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const post = (path: string, init: RequestInit = {}) =>
  fetch(`${server.http}${path}`, { method: "POST", ...init });

describe("HTTP", () => {
  it("reports health on both paths", async () => {
    for (const path of ["/health", "/api/health"]) {
      const res = await fetch(`${server.http}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "healthy" });
    }
  });

  it("creates Commander sessions with or without the trailing slash, for authenticated users only", async () => {
    const { token, uid } = await server.login("ada@example.com", "Ada");
    for (const path of ["/api/v1/sessions", "/api/v1/sessions/"]) {
      const res = await post(path, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(201);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ user_id: uid, status: "active" });
      expect(typeof body.session_id).toBe("string");
      expect(Number.isNaN(Date.parse(String(body.created_at)))).toBe(false);
    }
    const anonymous = await post("/api/v1/sessions");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error_code: "AUTH_MISSING" });
    const forged = await post("/api/v1/sessions", { headers: { Authorization: "Bearer x.y.z" } });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({
      detail: "Invalid authentication token",
      error_code: "TOKEN_INVALID",
    });
  });

  it("shows a session to its owner only", async () => {
    const ada = await server.login("ada@example.com", "Ada");
    const grace = await server.login("grace@example.com", "Grace");
    const { session_id } = await server.createSession(ada.token);
    const get = (token: string, id = session_id) =>
      fetch(`${server.http}/api/v1/sessions/${id}`, { headers: { Cookie: `session=${token}` } });
    expect((await get(ada.token)).status).toBe(200);
    expect((await get(grace.token)).status).toBe(403);
    const missing = await get(ada.token, "nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Session with ID 'nope' not found." });
  });

  it("dev-login sets an HttpOnly session cookie that authenticates, and the same email gets the same uid", async () => {
    const res = await post("/api/v1/auth/dev-login", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "lin@example.com", name: "Lin" }),
    });
    expect(res.status).toBe(200);
    const { token, uid } = (await res.json()) as { token: string; uid: string };
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toContain(`session=${token}`);
    expect(cookie).toContain("HttpOnly");
    expect((await server.login("LIN@example.com")).uid).toBe(uid);
    const bad = await post("/api/v1/auth/dev-login", { body: JSON.stringify({ email: "nope" }) });
    expect(bad.status).toBe(422);
  });

  it("puts CORS headers on allowed origins, errors included, and answers preflights", async () => {
    const origin = "http://localhost:3000";
    const denied = await post("/api/v1/sessions", { headers: { Origin: origin } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe(origin);
    const preflight = await fetch(`${server.http}/api/v1/sessions`, {
      method: "OPTIONS",
      headers: { Origin: origin },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    const stranger = await fetch(`${server.http}/health`, {
      headers: { Origin: "http://evil.example" },
    });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("publishes the protocol's JSON Schema and answers unknown paths with 404 JSON", async () => {
    const schema = (await (
      await fetch(`${server.http}/api/v1/protocol/schema.json`)
    ).json()) as Record<string, unknown>;
    expect(Object.keys(schema)).toEqual(
      expect.arrayContaining(["mission_commander", "mission_ally"]),
    );
    const missing = await fetch(`${server.http}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Not Found" });
  });
});
