import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
let folder: string;

beforeAll(async () => {
  folder = join(mkdtempSync(join(tmpdir(), "learnforge-graphs-")), "out");
  await run("npm", ["run", "--silent", "graphs", "--", folder], { timeout: 60_000 });
}, 90_000);
afterAll(() => rmSync(join(folder, ".."), { recursive: true, force: true }));

const read = (name: string) => readFileSync(join(folder, name), "utf8");

describe("npm run graphs", () => {
  it("writes Mermaid, JSON and a page for each graph, and an index", () => {
    expect(readdirSync(folder).sort()).toEqual([
      "index.html",
      "mission_ally.html",
      "mission_ally.json",
      "mission_ally.mmd",
      "mission_commander.html",
      "mission_commander.json",
      "mission_commander.mmd",
    ]);
  });

  it("writes the xray JSON, with the sensei's nodes inside the Ally", () => {
    const ally = JSON.parse(read("mission_ally.json")) as {
      nodes: { id: string; metadata?: Record<string, string> }[];
      edges: { source: string; target: string }[];
    };
    const teach = ally.nodes.find((n) => n.id === "mission_sensei:teach");
    expect(teach?.metadata).toEqual({
      agent: "mission_sensei",
      prompt: "prompts/ally/mission_sensei.md",
    });
    expect(ally.nodes.map((n) => n.id)).toContain("mission_sensei:mark_complete");
    expect(ally.edges).toContainEqual({
      source: "lumina",
      target: "mission_sensei:__start__",
      conditional: true,
    });
    const commander = JSON.parse(read("mission_commander.json")) as { nodes: { id: string }[] };
    expect(commander.nodes.map((n) => n.id)).toEqual(
      expect.arrayContaining(["polaris", "mission_curator", "create_mission"]),
    );
  });

  it("writes Mermaid text whose labels name each node's agent and prompt", () => {
    const mermaid = read("mission_commander.mmd");
    expect(mermaid.startsWith("flowchart TD\n")).toBe(true);
    expect(mermaid).toContain(
      'n_polaris["<b>polaris</b><br/>polaris<br/><small>prompt: prompts/commander/polaris.md</small>"]',
    );
    expect(mermaid).toMatch(/n_polaris e\d+@-\.-> n_mission_curator/);
  });

  it("writes pages that carry Mermaid and their script inline and link each other", () => {
    const page = read("mission_ally.html");
    expect(/<script src=|<link rel="stylesheet"/.test(page)).toBe(false);
    expect(page.includes('globalThis["mermaid"]')).toBe(true);
    expect(page).toContain('<a href="index.html">All graphs</a>');
    const index = read("index.html");
    expect(index).toContain('<a href="mission_commander.html">Mission Commander</a>');
    expect(index).toContain('<a href="mission_ally.html">Mission Ally</a>');
  });
});
