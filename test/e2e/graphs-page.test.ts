import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import {
  buildAllyGraph,
  buildCommanderGraph,
  createModelFactory,
  drawGraph,
} from "../../graphs/index.js";
import { toMermaid } from "../../graphs/draw/index.js";
import { ARTIFACTS, launchChromium, type Browser } from "../support/chromium.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket, type Frame } from "../support/ws-client.js";

const HOSTILE = `<img src="/x" onerror="window.__xss = 1"><script>window.__xss = 2</script>`;

let server: TestServer;
let browser: Browser;
let token: string;
let sessionId: string;
let mission: { id: string; title: string };
const allyMessages: string[] = [];

async function commanderTurns(session: string, messages: string[]): Promise<Frame[]> {
  const socket = new TestSocket(
    `${server.ws}/api/v1/mission-commander/ws?session_id=${session}&token=${token}`,
  );
  await socket.waitFor("connected");
  for (const content of messages) {
    const from = socket.frames.length;
    socket.send({ type: "user_message", content });
    await socket.waitForFrames(from + 1);
  }
  socket.close();
  await socket.closed;
  return socket.frames;
}

/** Seed 000's learner: agrees to briefings, answers questions, says when they are confident. */
function learnerReply(frames: Frame[]): string {
  const last = frames.filter((f) => f.type === "agent_message").at(-1)?.message as string;
  if (/fit/i.test(last) && /\?\s*$/.test(last)) return "Yes, that sounds great!";
  if (/confident/i.test(last)) return "I feel confident about it.";
  return "I think it means breaking the idea into smaller parts and applying them step by step.";
}

/** Talks with the Ally until the first checkpoint is complete and Lumina has taken over again. */
async function allyUntilFirstCheckpoint(): Promise<void> {
  const socket = new TestSocket(
    `${server.ws}/api/v1/mission-ally/ws?mission_id=${mission.id}&token=${token}`,
  );
  await socket.waitFor("connected");
  let message = "Hello, I'm ready to start learning!";
  for (let turn = 0; turn < 20; turn++) {
    const from = socket.frames.length;
    allyMessages.push(message);
    socket.send({ type: "user_message", message });
    await socket.waitFor("agent_processing_end", from);
    if (socket.frames.slice(from).some((f) => f.type === "checkpoint_update")) break;
    message = learnerReply(socket.frames);
  }
  socket.close();
  await socket.closed;
}

beforeAll(async () => {
  server = await startTestServer();
  token = (await server.login("ada@example.com", "Ada")).token;
  sessionId = (await server.createSession(token)).session_id;
  const created = (await commanderTurns(sessionId, SEED_INTERVIEW)).at(-1)!;
  expect(created.type).toBe("mission_created");
  mission = created.mission as { id: string; title: string };
  await allyUntilFirstCheckpoint();
  browser = await launchChromium();
  await browser.context.addCookies([
    { name: "session", value: token, domain: "127.0.0.1", path: "/" },
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The Mermaid id of every node the server draws for a graph, as the page's SVG names them. */
async function drawnNodeIds(name: "mission_commander" | "mission_ally") {
  const models = createModelFactory({ defaultModel: "gemini-2.5-flash", perAgentModel: {} });
  const graph =
    name === "mission_commander"
      ? buildCommanderGraph({ models, missions: server.store.missions })
      : buildAllyGraph({
          models,
          enrollments: server.store.enrollments,
          allySessions: server.store.allySessions,
        });
  return toMermaid(await drawGraph(graph)).ids;
}

interface DrawnNodeState {
  node: string;
  visited: boolean;
  focus: boolean;
}

const svgNodes = (page: Page) =>
  page.$$eval("#graph svg g.node", (elements) =>
    elements.map((e): DrawnNodeState => ({
      node: e.getAttribute("data-node") ?? "",
      visited: e.classList.contains("visited"),
      focus: e.classList.contains("focus"),
    })),
  );

async function openDrawn(page: Page, url: string) {
  const requestsBefore = browser.requests.length;
  await page.goto(url);
  await page.waitForSelector("body[data-rendered=ok]", { timeout: 20_000 });
  return browser.requests.slice(requestsBefore);
}

/** Every request a server page made went to the test server, and Mermaid came from it too. */
function expectOnlyLocalRequests(requests: string[]) {
  expect(requests.length).toBeGreaterThan(0);
  for (const url of requests) expect(url.startsWith(`${server.http}/`)).toBe(true);
  expect(requests).toContain(`${server.http}/graphs/assets/mermaid.min.js`);
}

describe("graph pages in Chromium", () => {
  it("signs in, lists the caller's conversations and opens the Commander's with its path", async () => {
    await browser.context.clearCookies();
    const { page, errors } = await browser.newPage();
    const before = browser.requests.length;
    await page.goto(`${server.http}/graphs`);
    await page.fill('#sign-in input[name="email"]', "ada@example.com");
    await page.click('#sign-in button[type="submit"]');
    await page.waitForSelector(".conversations a");
    const requests = browser.requests.slice(before);
    for (const url of requests) expect(url.startsWith(`${server.http}/`)).toBe(true);
    expect(requests).toContain(`${server.http}/api/v1/auth/dev-login`);

    const links = await page.$$eval(".conversations a", (as) =>
      as.map((a) => [a.textContent, a.getAttribute("href")]),
    );
    expect(links).toHaveLength(2);
    expect(links).toEqual(
      expect.arrayContaining([
        [
          `Commander session ${sessionId.slice(0, 8)}`,
          `/graphs/mission_commander?session_id=${sessionId}`,
        ],
        [`Ally on ${mission.title}`, `/graphs/mission_ally?mission_id=${mission.id}`],
      ]),
    );
    await page.screenshot({ path: join(ARTIFACTS, "graphs-index.png"), fullPage: true });

    const opened = browser.requests.length;
    await page.click(`.conversations a[href*="session_id"]`);
    await page.waitForSelector("body[data-rendered=ok]", { timeout: 20_000 });
    expectOnlyLocalRequests(browser.requests.slice(opened));

    const ids = await drawnNodeIds("mission_commander");
    const nodes = await svgNodes(page);
    expect(nodes.map((n) => n.node).sort()).toEqual([...ids.values()].sort());
    expect(
      nodes
        .filter((n) => n.visited)
        .map((n) => n.node)
        .sort(),
    ).toEqual(
      ["__start__", "intake", "polaris", "mission_curator", "create_mission", "__end__"]
        .map((id) => ids.get(id)!)
        .sort(),
    );
    expect(await page.$$eval(".turn .learner", (ps) => ps.map((p) => p.textContent))).toEqual(
      SEED_INTERVIEW,
    );
    expect(await page.$$eval(".handover-note", (ns) => ns.map((n) => n.textContent))).toEqual([
      "handover: polaris → mission_curator",
    ]);
    const edgeLabels = await page.$$eval("#graph svg .edgeLabel", (ls) =>
      ls.map((l) => l.textContent?.trim()).filter(Boolean),
    );
    expect(edgeLabels).toContain("1×, handover 1×");
    await page.screenshot({ path: join(ARTIFACTS, "graphs-commander.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the Ally with mission_sensei expanded, both handovers and a turn's own path", async () => {
    const { page, errors } = await browser.newPage();
    expectOnlyLocalRequests(
      await openDrawn(page, `${server.http}/graphs/mission_ally?mission_id=${mission.id}`),
    );
    const ids = await drawnNodeIds("mission_ally");
    const nodes = await svgNodes(page);
    expect(nodes.map((n) => n.node).sort()).toEqual([...ids.values()].sort());

    const cluster = await page
      .locator('#graph svg g.cluster[id*="sg_mission_sensei"]')
      .boundingBox();
    const inside = await Promise.all(
      ["mission_sensei:teach", "mission_sensei:mark_complete"].map(async (id) => {
        const node = await page.locator(`[data-node="${ids.get(id)}"]`).boundingBox();
        return (
          !!cluster &&
          !!node &&
          node.x >= cluster.x &&
          node.y >= cluster.y &&
          node.x + node.width <= cluster.x + cluster.width &&
          node.y + node.height <= cluster.y + cluster.height
        );
      }),
    );
    expect(inside).toEqual([true, true]);

    const visited = nodes.filter((n) => n.visited).map((n) => n.node);
    expect(visited.sort()).toEqual(
      [
        "__start__",
        "intake",
        "lumina",
        "check_answer",
        "mission_sensei:__start__",
        "mission_sensei:teach",
        "mission_sensei:ask_question",
        "mission_sensei:mark_complete",
        "mission_sensei:__end__",
        "__end__",
      ]
        .map((id) => ids.get(id)!)
        .sort(),
    );
    expect(visited).not.toContain(ids.get("close_session"));

    expect(await page.$$eval(".turn .learner", (ps) => ps.map((p) => p.textContent))).toEqual(
      allyMessages,
    );
    expect(await page.$$eval(".handover-note", (ns) => ns.map((n) => n.textContent))).toEqual([
      "handover: mission_ally → mission_sensei",
      "handover: mission_sensei → mission_ally",
    ]);

    const intoTeaching = page.locator(".turn", {
      hasText: "handover: mission_ally → mission_sensei",
    });
    await intoTeaching.click();
    const focused = (await svgNodes(page)).filter((n) => n.focus).map((n) => n.node);
    expect(focused).toEqual(
      expect.arrayContaining([
        ids.get("intake"),
        ids.get("lumina"),
        ids.get("mission_sensei:teach"),
      ]),
    );
    expect(focused).not.toContain(ids.get("close_session"));
    await page.screenshot({ path: join(ARTIFACTS, "graphs-ally.png"), fullPage: true });
    await intoTeaching.click();
    expect((await svgNodes(page)).some((n) => n.focus)).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a learner's markup as text and never runs it", async () => {
    const { session_id } = await server.createSession(token);
    await commanderTurns(session_id, [HOSTILE]);
    const { page, errors } = await browser.newPage();
    const requests = await openDrawn(
      page,
      `${server.http}/graphs/mission_commander?session_id=${session_id}`,
    );
    expectOnlyLocalRequests(requests);
    expect(requests).not.toContain(`${server.http}/x`);
    expect(await page.evaluate("'__xss' in window")).toBe(false);
    expect(await page.textContent(".turn .learner")).toBe(HOSTILE);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws the pages npm run graphs writes from the file alone", async () => {
    const folder = mkdtempSync(join(tmpdir(), "learnforge-graphs-"));
    try {
      await promisify(execFile)("npm", ["run", "--silent", "graphs", "--", folder], {
        timeout: 60_000,
      });
      const { page, errors } = await browser.newPage();
      const url = pathToFileURL(join(folder, "mission_ally.html")).href;
      expect(await openDrawn(page, url)).toEqual([url]);
      const ids = await drawnNodeIds("mission_ally");
      expect((await svgNodes(page)).map((n) => n.node).sort()).toEqual([...ids.values()].sort());
      await page.screenshot({ path: join(ARTIFACTS, "graphs-file-ally.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
