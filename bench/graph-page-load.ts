/**
 * How long a graph page takes to load in Chromium, from navigation to the drawing on screen
 * (`body[data-rendered=ok]`): the Mission Ally with a whole mission's conversation, and a
 * 300-turn Commander conversation. Each page is loaded cold (a fresh browser context, nothing
 * cached) and warm (the same context again, its cache holding Mermaid and the page's scripts).
 *
 * Baseline, measured in the same run: the Ally page as a self-contained file, carrying the whole
 * of Mermaid inline, as `npm run graphs` writes pages: what a page costs without the server's
 * Mermaid module, loaded chunk by chunk, compressed and cached.
 *
 * Goals: the median cold load of the Ally's page is under 1 s, and a 300-turn conversation's
 * under 1.5 s (its server side reads every turn's checkpoint). The process exits with 1 when a
 * goal is missed.
 *
 *   npm run bench:graph-page                 # 7 loads of each
 *   npm run bench:graph-page -- --runs 11
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { chromium, type Browser } from "playwright-core";
import { allyThreadId, commanderThreadId, enrollmentId } from "../domain/index.js";
import {
  buildCommanderGraph,
  buildGraphs,
  drawGraph,
  readConversation,
  renderGraphPage,
} from "../graphs/index.js";
import { buildServer, createLogger, loadConfig } from "../server/index.js";
import { chromiumPath } from "../test/support/chromium.js";
import { loggedCommanderTurn } from "../test/support/logged-turn.js";
import { SEED_INTERVIEW } from "../test/support/seed-interview.js";
import { interview, wholeAllySession } from "../test/support/whole-mission.js";

/** The most a cold load may take, by page. */
const GOALS_MS: Record<string, number> = {
  "Ally, whole mission": 1000,
  "Commander, 300 turns": 1500,
};
const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const runs = Number(values.runs);

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const folder = mkdtempSync(join(tmpdir(), "learnforge-bench-pages-"));
const server = await buildServer(
  loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: folder, SQLITE_PATH: ":memory:" }),
  { log: createLogger("error") },
);
const host = `127.0.0.1:${server.port}`;
const browser = await chromium.launch({
  executablePath: chromiumPath(),
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

try {
  const res = await fetch(`http://${host}/api/v1/auth/dev-login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: "ada@example.com", name: "Ada" }),
  });
  const { token, uid } = (await res.json()) as { token: string; uid: string };
  const created = (await interview(host, token)).frames.at(-1)!;
  const missionId = (created.mission as { id: string }).id;
  await wholeAllySession(host, token, missionId);
  const longSession = await longInterview(uid, token);

  const pages = {
    "Ally, whole mission": `http://${host}/graphs/mission_ally?mission_id=${missionId}`,
    "Commander, 300 turns": `http://${host}/graphs/mission_commander?session_id=${longSession}`,
    "baseline: Ally as a file, Mermaid inline": await allyFilePage(missionId, uid),
  };
  const rows: { page: string; cold: number; warm: number }[] = [];
  for (const [name, url] of Object.entries(pages)) {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let run = 0; run < runs; run++) {
      const times = await loads(browser, url, token);
      cold.push(times.cold);
      warm.push(times.warm);
    }
    rows.push({ page: name, cold: median(cold), warm: median(warm) });
  }

  const baseline = rows.at(-1)!;
  process.stdout.write(`\nGraph page loads, median of ${runs} (ms; ratio to the baseline):\n`);
  for (const row of rows) {
    process.stdout.write(
      `  ${row.page.padEnd(42)} cold ${row.cold.toFixed(0).padStart(5)} (${(row.cold / baseline.cold).toFixed(2)}×)` +
        `  warm ${row.warm.toFixed(0).padStart(5)} (${(row.warm / baseline.warm).toFixed(2)}×)\n`,
    );
  }
  const missed = rows.filter((row) => row.cold >= (GOALS_MS[row.page] ?? Infinity));
  for (const row of missed) {
    process.stdout.write(`MISSED: ${row.page} loads cold in ${row.cold.toFixed(0)} ms\n`);
  }
  process.stdout.write(`${JSON.stringify({ runs, goals_ms: GOALS_MS, rows })}\n`);
  process.exitCode = missed.length > 0 ? 1 : 0;
} finally {
  await browser.close();
  await server.shutdown();
  rmSync(folder, { recursive: true, force: true });
}

/** One cold load in a fresh context, then a warm one in the same context; both in ms. */
async function loads(browser: Browser, url: string, token: string) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addCookies([{ name: "session", value: token, domain: "127.0.0.1", path: "/" }]);
  const page = await context.newPage();
  const times: number[] = [];
  try {
    for (let load = 0; load < 2; load++) {
      if (load > 0) await page.goto("about:blank");
      const started = performance.now();
      await page.goto(url);
      await page.waitForSelector("body[data-rendered=ok]", { timeout: 30_000 });
      times.push(performance.now() - started);
    }
  } finally {
    await context.close();
  }
  return { cold: times[0]!, warm: times[1]! };
}

/** A Commander interview that goes on for 300 turns without the learner ever settling. */
async function longInterview(uid: string, token: string): Promise<string> {
  const res = await fetch(`http://${host}/api/v1/sessions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
  });
  const { session_id } = (await res.json()) as { session_id: string };
  const graph = buildCommanderGraph({
    models: server.models,
    missions: server.store.missions,
    checkpointer: server.store.checkpointer,
  });
  const config = {
    configurable: { thread_id: commanderThreadId(session_id) },
    context: { user_id: uid, session_id, learner_name: "Ada", prompts_dir: null },
    durability: "exit" as const,
  };
  const messages = [...SEED_INTERVIEW.slice(0, 4)];
  while (messages.length < 300) messages.push(`I'm not sure yet (${messages.length + 1})`);
  for (const content of messages) {
    await loggedCommanderTurn(graph, server.store.transcripts, config, content);
  }
  return session_id;
}

/** The Ally conversation's page as a file that carries everything inline. */
async function allyFilePage(missionId: string, uid: string): Promise<string> {
  const { ally } = buildGraphs(server.models, server.store);
  const conversation = await readConversation(
    ally,
    allyThreadId(enrollmentId(uid, missionId)),
    server.store.transcripts,
  );
  const html = await renderGraphPage({
    graph: await drawGraph(ally),
    conversation: { label: "Ally", conversation },
    assets: { inline: true },
    indexHref: "index.html",
  });
  const file = join(folder, "ally.html");
  writeFileSync(file, html);
  return pathToFileURL(file).href;
}
