import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commanderThreadId } from "../../domain/index.js";
import { installForProduction, ROOT, run } from "../support/production-install.js";
import {
  startServerProcess,
  stopServerProcess,
  type ServerProcess,
} from "../support/server-process.js";
import { interview, signIn } from "../support/whole-mission.js";

let app: string;
let elsewhere: string;
let server: ServerProcess | undefined;

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), "learnforge-prod-"));
  elsewhere = mkdtempSync(join(tmpdir(), "learnforge-cwd-"));
  await installForProduction(app);
}, 240_000);

afterAll(async () => {
  await stopServerProcess(server);
  rmSync(app, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

describe("the production install", () => {
  it("holds production dependencies only", () => {
    for (const dev of ["tsx", "typescript", "vitest", "firebase-tools", "playwright-core"]) {
      expect(existsSync(join(app, "node_modules", dev)), dev).toBe(false);
    }
    for (const runtime of ["@langchain/langgraph", "firebase-admin", "mermaid", "prom-client"]) {
      expect(existsSync(join(app, "node_modules", runtime)), runtime).toBe(true);
    }
  });

  it("runs the compiled server with node from any folder: a whole interview, the pages, the web app", async () => {
    server = await startServerProcess(
      { DATA_DIR: join(app, "data"), HOST: "127.0.0.1" },
      {
        args: ["--enable-source-maps", join(app, "dist/server/main.js")],
        cwd: elsewhere,
        cleanEnv: true,
      },
    );
    const host = `127.0.0.1:${server.port}`;
    const token = await signIn(host);
    const { frames, sessionId } = await interview(host, token);
    // The prompts were read from the build's copy: the agents' replies follow them to the mission.
    expect(frames.map((f) => f.type)).toEqual([
      "connected",
      "agent_message",
      "agent_message",
      "agent_message",
      "agent_message",
      "mission_created",
    ]);

    const http = `http://${host}`;
    // The graph pages find their templates under dist/web, bundle their script from the build's
    // sources, and serve Mermaid's modules from node_modules.
    const page = await fetch(`${http}/graphs/mission_commander`);
    expect(page.status).toBe(200);
    const assets = [...(await page.text()).matchAll(/(?:src|href)="(\/graphs\/assets\/[^"]+)"/g)];
    const paths = assets.map((m) => m[1]!.split("?")[0]);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/graphs/assets/graphs.css",
        "/graphs/assets/mermaid.esm.min.mjs",
        "/graphs/assets/graph-page.js",
      ]),
    );
    for (const [, link] of assets) expect((await fetch(http + link)).status, link).toBe(200);
    const pageScript = await fetch(http + assets.find((m) => m[1]!.includes("graph-page.js"))![1]!);
    expect(await pageScript.text()).toContain("graph-rendered");

    // A fork of the interview, replayed through the build's own eval tooling.
    const fork = await fetch(`${http}/graphs/fork`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ thread: commanderThreadId(sessionId), turn: 3 }),
    });
    const forked = (await fork.json()) as { turns?: { differs: Record<string, boolean> }[] };
    expect([fork.status, forked.turns?.length]).toEqual([200, 2]);

    // The web app: its page from dist/web, and its script bundled from the build's sources.
    const html = await (await fetch(`${http}/`)).text();
    const links = [...html.matchAll(/(?:src|href)="(\/app\/[^"]+)"/g)].map((m) => m[1]!);
    expect(links.map((l) => l.split("?")[0]).sort()).toEqual([
      "/app/app.css",
      "/app/app.js",
      "/app/icon.svg",
    ]);
    for (const link of links) expect((await fetch(http + link)).status, link).toBe(200);
    const script = await (
      await fetch(http + links.find((l) => l.startsWith("/app/app.js"))!)
    ).text();
    expect(script).toContain("/api/v1/mission-ally/ws");
  });
});

describe("the production image's uWebSockets.js", () => {
  type Lock = { packages: Record<string, Record<string, unknown>> };
  const readLock = (dir: string) =>
    JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as Lock;
  // Packages only our development build of uWebSockets.js pulls in.
  const ONLY_FOR_THE_FORK =
    /^node_modules\/(uWebSockets\.js\/|bufferutil$|utf-8-validate$|node-gyp-build$)/;

  it("is swapped in the lock file for @btc-vision/uwebsockets.js 20.57.0, all else as locked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "learnforge-uws-"));
    try {
      for (const file of ["package.json", "package-lock.json"]) {
        copyFileSync(join(ROOT, file), join(dir, file));
      }
      await run("sh", [join(ROOT, "deploy/use-node24-uws.sh")], { cwd: dir });
      const before = readLock(ROOT).packages;
      const after = readLock(dir).packages;
      expect(after["node_modules/uWebSockets.js"]).toMatchObject({
        name: "@btc-vision/uwebsockets.js",
        version: "20.57.0",
        integrity:
          "sha512-SuPpEjSKZ7P58L/27BXXsrGsMwLmPupfYny8oJsOmFZ4+zX7Ca97nBPtZ3ngKbfeDZzTyi7rXri74INGerhugg==",
      });
      const others = (packages: Lock["packages"]) =>
        Object.entries(packages).filter(
          ([path]) =>
            path !== "" && path !== "node_modules/uWebSockets.js" && !ONLY_FOR_THE_FORK.test(path),
        );
      expect(Object.fromEntries(others(after))).toEqual(Object.fromEntries(others(before)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the Dockerfile", () => {
  const dockerfile = () => readFileSync(join(ROOT, "Dockerfile"), "utf8");

  it("runs the file the build writes, as a user other than root", () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile())?.[1] ?? "[]") as string[];
    expect(cmd[0]).toBe("node");
    expect(existsSync(join(app, cmd.at(-1) ?? "missing"))).toBe(true);
    expect(/^USER (\S+)$/m.exec(dockerfile())?.[1]).toMatch(/^(?!root$|0$)/);
  });

  it("sends the build stage every file the build reads", () => {
    const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"));
    const needed = [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "scripts/build.ts",
      "deploy/use-node24-uws.sh",
      "client/index.ts",
      "server/main.ts",
      "graphs/index.ts",
      "tools/index.ts",
      "store/index.ts",
      "prompts",
      "web",
    ];
    for (const path of needed) {
      expect(existsSync(join(ROOT, path)), path).toBe(true);
      expect(
        ignored.filter((rule) => path === rule || path.startsWith(`${rule}/`)),
        path,
      ).toEqual([]);
    }
  });
});
