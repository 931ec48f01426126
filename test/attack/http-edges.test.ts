import { GIT_MISSION } from "../support/missions.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = (await server.login("ada@example.com", "Ada")).token;
});
afterAll(() => server.stop());

const request = (path: string, init: RequestInit = {}) => fetch(`${server.http}${path}`, init);
const health = async () => (await request("/health")).status;

const BAD_ENCODINGS = ["%", "%ZZ", "%E0%A4%A", "%ED%A0%80", "abc%", "%%41"];
const ID_ROUTES: [string, string][] = [
  ["GET", "/graphs/"],
  ["GET", "/graphs/assets/"],
  ["GET", "/api/v1/sessions/"],
  ["GET", "/api/v1/missions/"],
  ["PATCH", "/api/v1/missions/"],
];

describe("HTTP requests a careless or hostile client sends", () => {
  it("answer malformed percent-encoding in any path id with 400 JSON, and the server stays up", async () => {
    for (const [method, prefix] of ID_ROUTES) {
      for (const bad of BAD_ENCODINGS) {
        const res = await request(prefix + bad, {
          method,
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: method === "GET" ? undefined : "{}",
        });
        expect([method, prefix + bad, res.status]).toEqual([method, prefix + bad, 400]);
        expect(await res.json()).toEqual({ detail: "Malformed percent-encoding in the URL path" });
      }
    }
    // Malformed encoding in a query is read leniently: it never reaches a handler as an exception.
    const query = await request("/graphs/mission_commander?session_id=%E0%A4%A", {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(query.status).toBe(404);
    expect(await health()).toBe(200);
  });

  it("answer a method a path does not take with 405 and Allow", async () => {
    const cases: [string, string, string][] = [
      ["DELETE", "/health", "GET, HEAD, OPTIONS"],
      ["POST", "/api/v1/user/profile", "GET, HEAD, OPTIONS"],
      ["GET", "/api/v1/user/update", "PUT, OPTIONS"],
      ["PUT", "/api/v1/missions/abc", "GET, HEAD, PATCH, OPTIONS"],
      ["GET", "/api/v1/missions/enrollment", "POST, OPTIONS"],
      ["DELETE", "/api/v1/sessions", "POST, OPTIONS"],
      ["POST", "/graphs/mission_ally", "GET, HEAD, OPTIONS"],
      ["POST", "/api/v1/mission-commander/ws", "GET, OPTIONS"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await request(path, { method, headers: { Authorization: `Bearer ${token}` } });
      expect([method, path, res.status, res.headers.get("allow")]).toEqual([
        method,
        path,
        405,
        allow,
      ]);
      expect(await res.json()).toEqual({ detail: "Method Not Allowed" });
    }
    const plain = await request("/api/v1/mission-commander/ws");
    expect(plain.status).toBe(426);
    expect(await health()).toBe(200);
  });

  it("answer HEAD wherever GET works, with GET's status and headers and no body", async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const { session_id } = await server.createSession(token);
    for (const path of [
      "/health",
      "/api/health",
      "/api/v1/user/profile",
      `/api/v1/sessions/${session_id}`,
      "/api/v1/protocol/schema.json",
      "/graphs",
      "/graphs/mission_commander",
      "/graphs/assets/graph-page.js",
      "/api/v1/sessions/missing",
    ]) {
      // As sent, not as fetch would undo a compression.
      const plain = { ...auth, "Accept-Encoding": "identity" };
      const get = await request(path, { headers: plain });
      const body = Buffer.from(await get.arrayBuffer());
      const head = await request(path, { method: "HEAD", headers: plain });
      expect([path, head.status]).toEqual([path, get.status]);
      expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
      expect(Number(head.headers.get("content-length"))).toBe(body.byteLength);
      expect((await head.arrayBuffer()).byteLength).toBe(0);
      const compressed = { ...auth, "Accept-Encoding": "gzip, br" };
      const [getEncoded, headEncoded] = await Promise.all([
        request(path, { headers: compressed }),
        request(path, { method: "HEAD", headers: compressed }),
      ]);
      expect(headEncoded.headers.get("content-encoding")).toBe(
        getEncoded.headers.get("content-encoding"),
      );
      expect(headEncoded.headers.get("content-length")).toBe(
        getEncoded.headers.get("content-length"),
      );
    }
  });

  it("answer CORS preflights on every path, known or not", async () => {
    for (const path of ["/api/v1/missions/abc", "/api/v1/sessions", "/nope"]) {
      const res = await request(path, {
        method: "OPTIONS",
        headers: { Origin: "http://localhost:3000", "Access-Control-Request-Method": "PATCH" },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    }
  });

  it("refuse bodies over the limit, declared or streamed, and broken JSON, with 4xx JSON", async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      request("/api/v1/missions/enrollment", {
        method: "POST",
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/json",
          ...headers,
        },
        body,
      });
    const huge = "x".repeat(server.config.maxBodyBytes + 1);
    const tooBig = await post(huge);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toEqual({
      detail: `Request body exceeds ${server.config.maxBodyBytes} bytes`,
    });
    const streamed = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(huge));
        controller.close();
      },
    });
    const chunked = await fetch(`${server.http}/api/v1/missions/enrollment`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: streamed,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);

    const nested = "[".repeat(100_000) + "]".repeat(100_000);
    for (const [body, status] of [
      ["{", 400],
      [nested, 422],
      ['{"title": 5}', 422],
      ["null", 422],
      [JSON.stringify({ ...GIT_MISSION, byte_size_checkpoints: "nope" }), 422],
    ] as const) {
      const res = await post(body);
      expect([body.slice(0, 20), res.status]).toEqual([body.slice(0, 20), status]);
      expect(Object.keys((await res.json()) as object)).toEqual(["detail"]);
    }
    expect(await health()).toBe(200);
  });
});
