import { readFileSync, statSync } from "node:fs";
import { request, type IncomingHttpHeaders } from "node:http";
import { dirname, join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import { allyThreadId, commanderThreadId, enrollmentId } from "../../domain/index.js";
import type { PageData } from "../../graphs/draw/page-data.js";
import { LocalTokenVerifier } from "../../server/auth/index.js";
import { buildServer, createLogger, loadConfig, type RunningServer } from "../../server/index.js";
import { openSqliteStore } from "../../store/index.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { GIT_MISSION } from "../support/missions.js";

async function get(url: string, token?: string) {
  const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get("content-type"), res, text: await res.text() };
}

/** The data a graph page hands its script. */
function pageData(html: string): PageData {
  const block = /<script type="application\/json" id="graph-data">([^]*?)<\/script>/.exec(html);
  if (!block) throw new Error("The page has no graph data");
  return JSON.parse(block[1]!) as PageData;
}

/** A GET with the bytes exactly as sent: fetch would undo the compression. */
function raw(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
        .on("error", reject)
        .end();
    },
  );
}

async function post(url: string, token: string, body?: object) {
  const res = await fetch(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  return (await res.json()) as Record<string, { id: string }> & { session_id: string };
}

describe("graph pages for signed-in owners", () => {
  let server: RunningServer;
  let base: string;
  const verifier = new LocalTokenVerifier(randomBytes(32), 3600);
  const ada = verifier.issue({ email: "ada@example.com", name: "Ada" });
  const bob = verifier.issue({ email: "bob@example.com", name: "Bob" });
  let adaSession: string;
  let adaMission: string;

  beforeAll(async () => {
    // Firebase-style auth (no local sign-in), with a verifier that accepts this test's tokens.
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      AUTH: "firebase",
      SQLITE_PATH: ":memory:",
    });
    server = await buildServer(config, {
      store: openSqliteStore({ path: ":memory:" }),
      verifier,
      log: createLogger("silent"),
    });
    base = `http://127.0.0.1:${server.port}`;
    adaSession = (await post(`${base}/api/v1/sessions`, ada.token)).session_id;
    adaMission = (await post(`${base}/api/v1/missions/enrollment`, ada.token, GIT_MISSION)).mission!
      .id;
    await post(`${base}/api/v1/sessions`, bob.token);
  });
  afterAll(() => server.shutdown());

  it("asks for sign-in, with a page offering Firebase sign-in, before showing anything", async () => {
    for (const path of [
      "/graphs",
      "/graphs/mission_ally",
      `/graphs/mission_commander?session_id=${adaSession}`,
    ]) {
      const page = await get(base + path);
      expect(page.status).toBe(401);
      expect(page.type).toBe("text/html; charset=utf-8");
      expect(page.text).toContain("<h1>Sign in first</h1>");
      expect(page.text).toContain('<form id="sign-in">');
      expect(page.text).toContain('type="password"');
      expect(page.text).not.toContain('id="graph-data"');
      const csp = page.res.headers.get("content-security-policy");
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self' https://identitytoolkit.googleapis.com;");
    }
  });

  it("lists only the caller's own conversations", async () => {
    const adaIndex = (await get(`${base}/graphs`, ada.token)).text;
    expect(adaIndex).toContain(`href="/graphs/mission_commander?session_id=${adaSession}"`);
    expect(adaIndex).toContain(`href="/graphs/mission_ally?mission_id=${adaMission}"`);
    expect(adaIndex.match(/session_id=/g)).toHaveLength(1);

    const bobIndex = (await get(`${base}/graphs`, bob.token)).text;
    expect(bobIndex).not.toContain(adaSession);
    expect(bobIndex).not.toContain(adaMission);
    expect(bobIndex.match(/session_id=/g)).toHaveLength(1);
  });

  it("opens a conversation for its owner and refuses everyone else", async () => {
    const own = [
      `/graphs/mission_commander?session_id=${adaSession}`,
      `/graphs/mission_commander?thread=${commanderThreadId(adaSession)}`,
      `/graphs/mission_ally?mission_id=${adaMission}`,
      `/graphs/mission_ally?thread=${allyThreadId(enrollmentId(ada.uid, adaMission))}`,
    ];
    for (const path of own) {
      const page = await get(base + path, ada.token);
      expect(page.status).toBe(200);
      expect(pageData(page.text).conversation?.turns).toEqual([]);
    }
    expect(pageData((await get(base + own[2]!, ada.token)).text).conversation).toMatchObject({
      label: `Ally: ${GIT_MISSION.title}`,
      checkpoints: GIT_MISSION.byte_size_checkpoints,
    });
    for (const path of [own[0]!, own[1]!, own[3]!]) {
      const page = await get(base + path, bob.token);
      expect(page.status).toBe(403);
      expect(page.text).toContain("This conversation belongs to another user.");
      expect(page.text).not.toContain("Transcript");
      expect(page.text).not.toContain('id="graph-data"');
    }
    const notEnrolled = await get(base + own[2]!, bob.token);
    expect(notEnrolled.status).toBe(404);
    expect(notEnrolled.text).toContain("There is no Ally enrollment for that mission.");
  });

  it("answers bad requests with a clear page", async () => {
    const cases: [string, number, string][] = [
      ["/graphs/no_such_graph", 404, "There is no graph named &quot;no_such_graph&quot;."],
      [
        "/graphs/mission_commander?session_id=missing",
        404,
        "There is no Commander session with that id.",
      ],
      [
        "/graphs/mission_commander?thread=ally:x_y",
        400,
        "Commander threads are named commander:&lt;session_id&gt;.",
      ],
      ["/graphs/mission_commander?mission_id=x", 400, "mission_id opens an Ally enrollment"],
      [
        "/graphs/mission_ally?thread=ally:nounderscore",
        400,
        "Ally threads are named ally:&lt;user_id&gt;_&lt;mission_id&gt;.",
      ],
      ["/graphs/mission_ally?session_id=x", 400, "session_id opens a Commander session"],
      [
        `/graphs/mission_ally?mission_id=${"m".repeat(201)}`,
        400,
        "mission_id must be 1 to 200 characters long.",
      ],
      [
        "/graphs/mission_commander?session_id=",
        400,
        "session_id must be 1 to 200 characters long.",
      ],
    ];
    for (const [path, status, message] of cases) {
      const page = await get(base + path, ada.token);
      expect({ path, status: page.status }).toEqual({ path, status });
      expect(page.text).toContain(message);
    }
  });

  it("serves Mermaid from the npm package and only the pages' own assets", async () => {
    const mermaid = await get(`${base}/graphs/assets/mermaid.min.js`);
    expect(mermaid.status).toBe(200);
    expect(mermaid.type).toBe("text/javascript; charset=utf-8");
    const file = createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");
    expect(mermaid.text).toBe(readFileSync(file, "utf8"));
    expect((await get(`${base}/graphs/assets/graphs.css`)).type).toBe("text/css; charset=utf-8");
    for (const path of [
      "%2e%2e%2fpackage.json",
      "..%2F..%2Fpackage.json",
      "nope.js",
      "graph.html",
    ]) {
      expect((await get(`${base}/graphs/assets/${path}`)).status).toBe(404);
    }
  });

  it("serves Mermaid's ES module and chunks compressed, cached for good by version", async () => {
    const page = (await get(`${base}/graphs/mission_commander`, ada.token)).text;
    const href = /<link rel="modulepreload" href="([^"]+)" \/>/.exec(page)![1]!;
    const dist = dirname(createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js"));
    const source = readFileSync(join(dist, "mermaid.esm.min.mjs"));

    const br = await raw(base + href, { "Accept-Encoding": "gzip, deflate, br" });
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers.vary).toBe("Accept-Encoding");
    expect(brotliDecompressSync(br.body).equals(source)).toBe(true);
    expect(br.body.length).toBeLessThan(source.length / 2);

    const gz = await raw(base + href, { "Accept-Encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).equals(source)).toBe(true);
    const plain = await raw(base + href, { "Accept-Encoding": "br;q=0, identity" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.equals(source)).toBe(true);

    const etag = br.headers.etag as string;
    const again = await raw(base + href, { "If-None-Match": etag, "Accept-Encoding": "br" });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const unversioned = await raw(`${base}/graphs/assets/mermaid.esm.min.mjs`, {});
    expect(unversioned.headers["cache-control"]).toBe("no-cache");
    expect(unversioned.headers.etag).toBe(etag);

    // The module imports its chunks beside itself; they are named by their content.
    const imported = source.toString().matchAll(/"\.\/(chunks\/mermaid\.esm\.min\/[\w-]+\.mjs)"/g);
    const [chunk] = [...imported]
      .map((match) => match[1]!)
      .sort((a, b) => statSync(join(dist, b)).size - statSync(join(dist, a)).size);
    if (!chunk) throw new Error("Mermaid's module imports no chunk");
    const served = await raw(`${base}/graphs/assets/${chunk}`, { "Accept-Encoding": "br" });
    expect(served.status).toBe(200);
    expect(served.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(served.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(served.body).equals(readFileSync(join(dist, chunk)))).toBe(true);
    for (const path of [
      `${chunk}.map`,
      "chunks/mermaid.esm.min/nope.mjs",
      "chunks/mermaid.esm.min/..%2F..%2Fmermaid.min.js",
    ]) {
      expect((await raw(`${base}/graphs/assets/${path}`, {})).status).toBe(404);
    }
  });
});

describe("graph pages with local sign-in", () => {
  let server: TestServer;
  let ada: string;
  let session: string;

  beforeAll(async () => {
    server = await startTestServer();
    ada = (await server.login("ada@example.com")).token;
    session = (await server.createSession(ada)).session_id;
  });
  afterAll(() => server.stop());

  it("opens the drawings to everyone, offering sign-in to list one's conversations", async () => {
    const index = await get(`${server.http}/graphs`);
    expect(index.status).toBe(200);
    expect(index.text).toContain('<form id="sign-in">');
    expect(index.text).not.toContain('type="password"');
    expect(index.text).toMatch(/<script type="module" src="\/graphs\/assets\/sign-in\.js\?v=/);

    const drawing = await get(`${server.http}/graphs/mission_commander`);
    expect(drawing.status).toBe(200);
    expect(drawing.text).toContain("mermaid.esm.min.mjs");
    expect(pageData(drawing.text).conversation).toBeUndefined();
  });

  it("shows a conversation to its owner only", async () => {
    const url = `${server.http}/graphs/mission_commander?session_id=${session}`;
    const anonymous = await get(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).toContain("Sign in to see this conversation.");
    expect(anonymous.text).toContain('<form id="sign-in">');
    expect(anonymous.text).not.toContain('id="graph-data"');

    const grace = (await server.login("grace@example.com")).token;
    const stranger = await get(url, grace);
    expect(stranger.status).toBe(403);
    expect(stranger.text).not.toContain('id="graph-data"');
    const threadUrl = `${server.http}/graphs/mission_commander?thread=commander:${session}`;
    expect((await get(threadUrl, grace)).status).toBe(403);

    const owner = await get(url, ada);
    expect(owner.status).toBe(200);
    expect(pageData(owner.text).conversation?.label).toBe("Commander: no messages yet");
  });

  it("needs a signed-in caller to find an enrollment by mission id", async () => {
    const page = await get(`${server.http}/graphs/mission_ally?mission_id=abc`);
    expect(page.status).toBe(401);
    expect(page.text).toContain("Sign in to open your enrollment by mission_id.");
  });
});
