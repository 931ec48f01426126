import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { launchChromium, type Browser } from "../support/chromium.js";
import { GIT_MISSION } from "../support/missions.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

/**
 * A page on another port of the same host: the same site to the browser, so it sends the
 * `SameSite=Lax` session cookie along, but another origin, which the server must refuse.
 */
function attackerPage(target: string, sessionId: string): string {
  const mission = JSON.stringify({ ...GIT_MISSION, title: "Planted by another site" });
  const ws = target.replace(/^http/, "ws");
  return `<!doctype html><html><body>
<form id="form" method="POST" enctype="text/plain" target="sink"
  action="${target}/api/v1/missions/enrollment">
  <input type="hidden" name='${mission.slice(0, -1)}, "pad": "' value='"}'>
</form>
<iframe name="sink"></iframe>
<script>
  window.results = {};
  document.getElementById("form").submit();
  const body = ${JSON.stringify(mission)};
  const url = "${target}/api/v1/missions/enrollment";
  fetch(url, { method: "POST", mode: "no-cors", credentials: "include", body,
    headers: { "Content-Type": "text/plain" } })
    .then(() => (results.simple = "sent"), (e) => (results.simple = String(e)));
  fetch(url, { method: "POST", credentials: "include", body,
    headers: { "Content-Type": "application/json" } })
    .then((r) => (results.preflighted = r.status), (e) => (results.preflighted = "blocked"));
  const socket = new WebSocket("${ws}/api/v1/mission-commander/ws?session_id=${sessionId}");
  results.frames = [];
  socket.onmessage = (event) => results.frames.push(JSON.parse(event.data));
  socket.onclose = (event) => (results.close = { code: event.code, reason: event.reason });
</script></body></html>`;
}

let server: TestServer;
let browser: Browser;
let attacker: Server;
let sessionId = "";

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  attacker = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(attackerPage(server.http, sessionId));
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => attacker?.close(resolve));
  await server?.stop();
});

describe("in a real browser", () => {
  it("same-origin pages sign in, change things and talk over the cookie; another site's page cannot", async () => {
    const { page } = await browser.newPage();
    // A page the server itself serves, as the web app would be.
    await page.goto(`${server.http}/graphs`);
    const own = await page.evaluate(async () => {
      const json = { "Content-Type": "application/json" };
      const login = await fetch("/api/v1/auth/dev-login", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ email: "ada@example.com", name: "Ada" }),
      });
      const { token } = (await login.json()) as { token: string };
      const created = await fetch("/api/v1/sessions", { method: "POST", headers: json });
      const { session_id } = (await created.json()) as { session_id: string };
      const reply = await new Promise<string>((resolve) => {
        const socket = new WebSocket(
          `ws://${(globalThis as unknown as { location: URL }).location.host}/api/v1/mission-commander/ws?session_id=${session_id}`,
        );
        socket.onmessage = (event) => {
          const frame = JSON.parse(event.data as string) as { type: string };
          if (frame.type === "connected") {
            socket.send(JSON.stringify({ type: "user_message", content: "I want to learn SQL" }));
          } else {
            resolve(frame.type);
            socket.close();
          }
        };
        socket.onclose = (event) => resolve(`closed ${event.code}`);
      });
      return { token, status: created.status, session_id, reply };
    });
    expect(own).toMatchObject({ status: 201, reply: "agent_message" });
    sessionId = own.session_id;
    const missions = async () =>
      (await (
        await fetch(`${server.http}/api/v1/user/enrolled-missions`, {
          headers: { Authorization: `Bearer ${own.token}` },
        })
      ).json()) as unknown[];
    expect(await missions()).toHaveLength(0);

    // What the server answered the other site's requests, which the page itself cannot read.
    const answers: Promise<{ status: number; kind: string; cookie: boolean }>[] = [];
    page.context().on("response", (response) => {
      if (!response.url().endsWith("/api/v1/missions/enrollment")) return;
      answers.push(
        response
          .request()
          .allHeaders()
          .then((headers) => ({
            status: response.status(),
            kind: response.request().resourceType(),
            cookie: /session=/.test(headers.cookie ?? ""),
          })),
      );
    });
    const { address, port } = attacker.address() as AddressInfo;
    await page.goto(`http://${address}:${port}/`);
    await page.waitForFunction(
      () => {
        const r = (globalThis as unknown as { results: Record<string, unknown> }).results;
        return r.simple && r.preflighted && r.close;
      },
      undefined,
      { timeout: 10_000 },
    );
    const results = await page.evaluate(
      () => (globalThis as unknown as { results: Record<string, unknown> }).results,
    );
    expect(results.preflighted).toBe("blocked");
    expect(results.close).toEqual({
      code: 1008,
      reason: "Cross-site WebSocket refused: Origin not allowed",
    });
    expect(results.frames).toEqual([
      { type: "error", message: "Cross-site WebSocket refused: Origin not allowed" },
    ]);
    // The form and the simple fetch reached the server and were refused there; the form, the
    // classic forgery, carried the session cookie.
    await expect.poll(() => answers.length, { timeout: 10_000 }).toBe(2);
    const answered = await Promise.all(answers);
    expect(answered.map((a) => a.status)).toEqual([403, 403]);
    expect(answered.find((a) => a.kind === "document")?.cookie).toBe(true);
    expect(await missions()).toHaveLength(0);
  });
});
