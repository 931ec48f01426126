import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { commanderThreadId } from "../../domain/index.js";
import {
  buildAllyGraph,
  buildCommanderGraph,
  createModelFactory,
  drawGraph,
} from "../../graphs/index.js";
import { toMermaid } from "../../graphs/draw/index.js";
import { ARTIFACTS, launchChromium, type Browser } from "../support/chromium.js";
import { pixelDifference } from "../support/screenshots.js";
import { loggedCommanderTurn } from "../support/logged-turn.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { learnerReply } from "../support/ally-learner.js";
import { interview } from "../support/whole-mission.js";
import { TestSocket } from "../support/ws-client.js";

const HOSTILE = `<img src="/x" onerror="window.__xss = 1"><script>window.__xss = 2</script>`;
/** The colours the page draws with, as computed styles give them. */
const VISITED = "rgb(194, 65, 12)";
const FOCUS = "rgb(14, 116, 144)";
const HANDOVER = "rgb(124, 58, 237)";

// Runs in the page, where the browser has it.
declare function getComputedStyle(
  element: unknown,
  pseudo?: string,
): Record<"opacity" | "fill" | "stroke" | "filter" | "backgroundColor" | "borderTopColor", string>;

const models = createModelFactory({ defaultModel: "gemini-2.5-flash", perAgentModel: {} });
let server: TestServer;
let browser: Browser;
let token: string;
let uid: string;
let sessionId: string;
let mission: { id: string; title: string; byte_size_checkpoints: string[] };
const allyMessages: string[] = [];

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

const host = () => `127.0.0.1:${server.port}`;

beforeAll(async () => {
  server = await startTestServer();
  ({ token, uid } = await server.login("ada@example.com", "Ada"));
  const seeded = await interview(host(), token);
  sessionId = seeded.sessionId;
  const created = seeded.frames.at(-1)!;
  expect(created.type).toBe("mission_created");
  mission = created.mission as typeof mission;
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
async function drawnIds(name: "mission_commander" | "mission_ally") {
  const graph =
    name === "mission_commander"
      ? buildCommanderGraph({ models, missions: server.store.missions })
      : buildAllyGraph({
          models,
          enrollments: server.store.enrollments,
          allySessions: server.store.allySessions,
        });
  const drawing = toMermaid(await drawGraph(graph));
  return { nodes: drawing.ids, edges: drawing.edgeIds };
}

interface NodeLook {
  node: string;
  agent: string;
  opacity: number;
  fill: string;
  stroke: string;
  filter: string;
}

/** How each node of the drawing looks: computed styles, whatever classes it carries. */
const nodeLooks = (page: Page) =>
  page.$$eval("#graph svg g.node[data-node]", (elements) =>
    elements.map((g): NodeLook => {
      const shape = getComputedStyle(g.querySelector("rect, path, polygon, circle")!);
      const look = getComputedStyle(g);
      return {
        node: g.getAttribute("data-node")!,
        agent: g.querySelector(".nodeLabel")?.textContent ?? "",
        opacity: Number(look.opacity),
        fill: shape.fill,
        stroke: shape.stroke,
        filter: look.filter,
      };
    }),
  );

const edgeLooks = (page: Page) =>
  page.$$eval("#graph svg path.flowchart-link[data-edge]", (paths) =>
    paths.map((path) => ({
      edge: path.getAttribute("data-edge")!,
      opacity: Number(getComputedStyle(path).opacity),
      stroke: getComputedStyle(path).stroke,
    })),
  );

/** Each legend entry's swatch, as drawn. */
const legend = (page: Page) =>
  page.$$eval(".legend li", (items) =>
    items.map((li) => {
      const swatch = getComputedStyle(li, "::before");
      return {
        text: li.textContent!.trim(),
        fill: swatch.backgroundColor,
        stroke: swatch.borderTopColor,
      };
    }),
  );

/** The state panel of the selected turn: its highlights, and the changes listed. */
async function statePanel(page: Page) {
  const highlights = await page.$$eval(".turn.focus .state .highlights dt", (terms) =>
    Object.fromEntries(terms.map((dt) => [dt.textContent, dt.nextElementSibling!.textContent])),
  );
  const changes = await page.$$eval(".turn.focus .state .changes li", (items) =>
    items.map((li) => li.textContent),
  );
  return { highlights, changes };
}

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
  expect(requests).toContainEqual(
    expect.stringMatching(/\/graphs\/assets\/mermaid\.esm\.min\.mjs\?v=/),
  );
}

describe("graph pages in Chromium", () => {
  it("signs in, lists conversations by topic and mission, and opens the Commander's", async () => {
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

    const links = await page.$$eval(".conversations li", (items) =>
      items.map((li) => [
        li.querySelector("a")!.textContent,
        li.querySelector("a")!.getAttribute("href"),
        li.querySelector(".detail")!.textContent,
      ]),
    );
    expect(links.map(([label, href]) => [label, href])).toEqual(
      expect.arrayContaining([
        [`Commander: ${mission.title}`, `/graphs/mission_commander?session_id=${sessionId}`],
        [`Ally: ${mission.title}`, `/graphs/mission_ally?mission_id=${mission.id}`],
      ]),
    );
    for (const [, , detail] of links) {
      expect(detail).toMatch(/last active \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$/);
    }
    await page.screenshot({ path: join(ARTIFACTS, "graphs-index.png"), fullPage: true });

    const opened = browser.requests.length;
    await page.click(`.conversations a[href*="session_id"]`);
    await page.waitForSelector("body[data-rendered=ok]", { timeout: 20_000 });
    expectOnlyLocalRequests(browser.requests.slice(opened));

    const ids = (await drawnIds("mission_commander")).nodes;
    const nodes = await nodeLooks(page);
    expect(nodes.map((n) => n.node).sort()).toEqual([...ids.values()].sort());
    // Every node this conversation ran wears the visited outline, agent nodes included.
    expect(
      nodes
        .filter((n) => n.stroke === VISITED)
        .map((n) => n.node)
        .sort(),
    ).toEqual(
      ["__start__", "intake", "polaris", "mission_curator", "create_mission", "__end__"]
        .map((id) => ids.get(id)!)
        .sort(),
    );
    // The legend draws each swatch in the colours the drawing uses.
    const entries = await legend(page);
    const entry = (text: string) => entries.find((e) => e.text === text)!;
    for (const agent of ["polaris", "mission_curator"]) {
      const fills = new Set(nodes.filter((n) => n.agent.startsWith(agent)).map((n) => n.fill));
      expect([...fills]).toEqual([entry(agent).fill]);
    }
    expect(entry("ran in this conversation").stroke).toBe(VISITED);
    expect(entry("handover between agents").fill).toBe(HANDOVER);
    const edges = await edgeLooks(page);
    const handoverEdge = (await drawnIds("mission_commander")).edges.get(
      "polaris -> mission_curator",
    );
    expect(edges.find((e) => e.edge === handoverEdge)!.stroke).toBe(HANDOVER);

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

    // Times read as dates, not as ISO strings.
    const times = await page.$$eval(".turn time", (ts) =>
      ts.map((t) => [t.getAttribute("datetime"), t.textContent]),
    );
    expect(times).toHaveLength(SEED_INTERVIEW.length);
    for (const [iso, shown] of times) {
      expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(shown).not.toContain("T");
      expect(shown).toMatch(/\d{4}/);
      expect(shown).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    }

    // The confirming turn: the curator's draft and create_mission's result, and what changed.
    await page.click(".turn >> nth=4");
    const { highlights, changes } = await statePanel(page);
    expect(highlights).toMatchObject({
      Phase: "created",
      "Curator's draft": `${mission.title}, ${mission.byte_size_checkpoints.length} checkpoints`,
      "create_mission's result": `mission ${mission.id}`,
    });
    expect(changes).toContain('phase: "interview" → "created"');
    expect(changes).toContain(`mission_id: null → "${mission.id}"`);
    // A long value is cut in the list of changes; the whole of it is under "All values".
    const draft = changes.find((c) => c!.startsWith("draft: null → {"))!;
    expect(draft.length).toBeLessThan(200);
    expect(draft.endsWith("…")).toBe(true);
    expect(await page.textContent(".turn.focus .state .values")).toContain(
      `"${mission.byte_size_checkpoints.at(-1)}"`,
    );
    await page.screenshot({ path: join(ARTIFACTS, "graphs-commander.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a selected turn's path alone, faded around it, and the state it left", async () => {
    const { page, errors } = await browser.newPage();
    expectOnlyLocalRequests(
      await openDrawn(page, `${server.http}/graphs/mission_ally?mission_id=${mission.id}`),
    );
    const { nodes: ids, edges: edgeIds } = await drawnIds("mission_ally");
    const nodes = await nodeLooks(page);
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

    const visited = nodes.filter((n) => n.stroke === VISITED).map((n) => n.node);
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
    expect(await page.$$eval(".turn .learner", (ps) => ps.map((p) => p.textContent))).toEqual(
      allyMessages,
    );
    expect(await page.$$eval(".handover-note", (ns) => ns.map((n) => n.textContent))).toEqual([
      "handover: mission_ally → mission_sensei",
      "handover: mission_sensei → mission_ally",
    ]);

    // Agents write Markdown: it is rendered, never shown as marks.
    expect(await page.locator(".turn .say strong").count()).toBeGreaterThan(0);
    const said = await page.$$eval(".turn .say", (ss) => ss.map((s) => s.textContent).join("\n"));
    expect(said).not.toMatch(/\*\*|^#{1,6} /m);

    const graph = page.locator("#graph");
    const whole = await graph.screenshot();
    const intoTeaching = page.locator(".turn", {
      hasText: "handover: mission_ally → mission_sensei",
    });
    await intoTeaching.click();
    const route = ["intake", "lumina", "mission_sensei:teach"].map((id) => ids.get(id)!);
    const focused = await nodeLooks(page);
    for (const node of focused) {
      if (route.includes(node.node)) {
        expect(node.opacity).toBe(1);
        expect(node.filter).toContain("drop-shadow");
      }
    }
    expect(focused.find((n) => n.node === ids.get("close_session"))!.opacity).toBeCloseTo(0.15);
    expect(focused.find((n) => n.node === ids.get("mission_sensei:mark_complete"))!.opacity).toBe(
      0.15,
    );
    const edges = await edgeLooks(page);
    const onRoute = edgeIds.get("lumina -> mission_sensei:__start__")!;
    expect(edges.find((e) => e.edge === onRoute)).toMatchObject({ opacity: 1, stroke: FOCUS });
    const offRoute = edgeIds.get("lumina -> close_session")!;
    expect(edges.find((e) => e.edge === offRoute)!.opacity).toBeCloseTo(0.15);
    // The picture itself changed, not just a class name.
    const path = await graph.screenshot();
    expect(await pixelDifference(browser, whole, path)).toBeGreaterThan(0.02);
    expect(await page.isVisible("#focus-status")).toBe(true);
    expect(await page.textContent("#focus-status")).toMatch(
      /^Turn \d+: intake → lumina → mission_sensei:teach → mission_sensei:ask_question\./,
    );

    const { highlights, changes } = await statePanel(page);
    expect(highlights).toMatchObject({
      Phase: "teaching",
      "Active agent": "mission_sensei",
      "Current checkpoint": `1 of ${mission.byte_size_checkpoints.length}: ${mission.byte_size_checkpoints[0]}`,
      Progress: "0% (0 checkpoint(s) complete)",
    });
    expect(highlights.Assessment).toMatch(/^not answered yet/);
    expect(changes).toContain('phase: "briefing" → "teaching"');
    expect(changes).toContain('active_agent: "mission_ally" → "mission_sensei"');
    await page.screenshot({ path: join(ARTIFACTS, "graphs-ally.png"), fullPage: true });

    // The turn that completed the checkpoint shows progress moving.
    await page.locator(".turn").last().click();
    const completed = await statePanel(page);
    const share = 100 / mission.byte_size_checkpoints.length;
    expect(completed.highlights.Progress).toBe(`${share}% (1 checkpoint(s) complete)`);
    expect(completed.changes).toContain(
      `completed_checkpoints[0] added: "${mission.byte_size_checkpoints[0]}"`,
    );

    await page.keyboard.press("Escape");
    expect((await nodeLooks(page)).every((n) => n.opacity === 1)).toBe(true);
    expect(await pixelDifference(browser, whole, await graph.screenshot())).toBe(0);
    expect(await page.isVisible("#focus-status")).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a learner's markup as text and never runs it", async () => {
    const { sessionId: session_id } = await interview(host(), token, [HOSTILE]);
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
      const ids = (await drawnIds("mission_ally")).nodes;
      expect((await nodeLooks(page)).map((n) => n.node).sort()).toEqual([...ids.values()].sort());
      await page.screenshot({ path: join(ARTIFACTS, "graphs-file-ally.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("a 300-turn conversation", () => {
  const TURNS = 300;
  let longSession: string;

  beforeAll(async () => {
    longSession = (await server.createSession(token)).session_id;
    const graph = buildCommanderGraph({
      models,
      missions: server.store.missions,
      checkpointer: server.store.checkpointer,
    });
    const config = {
      configurable: { thread_id: commanderThreadId(longSession) },
      context: { user_id: uid, session_id: longSession, learner_name: "Ada", prompts_dir: null },
      durability: "exit" as const,
    };
    // A learner who never settles: the interview goes on and on. Each turn is logged in the
    // transcript as the server logs it; the thread keeps only the interview's recent turns.
    const messages = [...SEED_INTERVIEW.slice(0, 4)];
    while (messages.length < TURNS)
      messages.push(`I'm not sure yet, let me think (${messages.length + 1})`);
    for (const content of messages) {
      await loggedCommanderTurn(graph, server.store.transcripts, config, content);
    }
  }, 120_000);

  it("opens with a page of turns, and any turn is a step away", async () => {
    const { page, errors } = await browser.newPage();
    const url = `${server.http}/graphs/mission_commander?session_id=${longSession}`;
    const started = performance.now();
    await openDrawn(page, url);
    // A generous bound for a shared machine; bench/graph-page-load.ts measures it properly.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await page.locator(".turn").count()).toBe(25);
    expect(await page.textContent(".pager .position")).toBe(`Turns 1–25 of ${TURNS}`);
    // No topic is confirmed yet: the conversation goes by what the learner opened with.
    expect(await page.textContent(".summary")).toMatch(
      /^Commander: “I want to learn Python for data analysis” · 300 turns/,
    );

    await page.fill(".pager input", String(TURNS));
    await page.press(".pager input", "Enter");
    await page.waitForSelector(`#turn-${TURNS}.focus`);
    expect(await page.textContent(".pager .position")).toBe(`Turns 276–300 of ${TURNS}`);
    expect(await page.locator(".turn").count()).toBe(25);
    expect(await page.textContent(`#turn-${TURNS} .learner`)).toBe(
      `I'm not sure yet, let me think (${TURNS})`,
    );
    expect((await statePanel(page)).highlights.Phase).toBe("interview");
    await page.click(".pager button:text('‹ Earlier')");
    expect(await page.textContent(".pager .position")).toBe(`Turns 251–275 of ${TURNS}`);

    // A link to a turn opens its page with the turn selected and its path drawn alone.
    await page.goto("about:blank");
    await page.goto(`${url}#turn-150`);
    await page.waitForSelector("body[data-rendered=ok]");
    expect(await page.textContent(".pager .position")).toBe(`Turns 126–150 of ${TURNS}`);
    expect(await page.getAttribute(".turn.focus", "id")).toBe("turn-150");
    expect((await nodeLooks(page)).some((n) => n.opacity < 1)).toBe(true);
    await page.focus("#turn-150");
    await page.keyboard.press("ArrowDown");
    await page.waitForSelector("#turn-151.focus");
    expect(await page.textContent(".pager .position")).toBe(`Turns 151–175 of ${TURNS}`);
    await page.screenshot({ path: join(ARTIFACTS, "graphs-300-turns.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
