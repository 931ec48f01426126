import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe("the web app's routes", () => {
  it("serves the page at / under a strict Content-Security-Policy, with hashed asset links", async () => {
    const res = await fetch(`${server.http}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain("unsafe");
    const html = await res.text();
    expect(html).toContain(`{"auth":"local"}`);
    const links = [...html.matchAll(/(?:src|href)="(\/app\/[^"]+)"/g)].map((m) => m[1]!);
    expect(links.map((l) => l.split("?")[0]).sort()).toEqual([
      "/app/app.css",
      "/app/app.js",
      "/app/icon.svg",
    ]);
    expect(html).not.toMatch(/<script>|<style>|\sstyle=|\son\w+=/);
  });

  it("caches assets asked for by their current hash for good, and revalidates the rest", async () => {
    const html = await (await fetch(`${server.http}/`)).text();
    const script = /src="(\/app\/app\.js\?v=\w+)"/.exec(html)![1]!;
    const hashed = await fetch(server.http + script);
    expect(hashed.status).toBe(200);
    expect(hashed.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(hashed.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const body = await hashed.text();
    // The bundle carries the client library and never evaluates strings.
    expect(body).toContain("/api/v1/mission-ally/ws");
    expect(body).not.toMatch(/\beval\(|new Function\(/);
    const stale = await fetch(`${server.http}/app/app.js?v=old`);
    expect(stale.headers.get("cache-control")).toBe("no-cache");
    expect((await fetch(`${server.http}/app/serve.ts`)).status).toBe(404);
    expect((await fetch(`${server.http}/app/..%2Fserve.ts`)).status).toBe(404);
  });

  it("signs a browser out in local mode by clearing the session cookie", async () => {
    const res = await fetch(`${server.http}/api/v1/auth/logout`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^session=; .*Max-Age=0/);
  });
});
