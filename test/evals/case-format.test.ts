import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CASES_DIR, loadSuite, SuiteError } from "../../evals/runner/load-suite.js";

const COMMANDER = {
  id: "interview",
  agent: "commander",
  seed: { learner: { name: "Ada" } },
  turns: [{ user: "I want to learn Git" }, { reconnect: true }],
  expect: {
    trajectory: { steps: ["tool:confirm_learning_goal", { handover: "mission_curator" }] },
  },
};

function suiteFile(...lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "eval-cases-")), "suite.jsonl");
  writeFileSync(file, lines.join("\n"));
  return file;
}

describe("recorded-conversation format", () => {
  it("reads one case per line, with defaults, and puts its cassettes beside the suite", () => {
    const file = suiteFile(
      JSON.stringify(COMMANDER),
      "",
      JSON.stringify({ ...COMMANDER, id: "again" }),
    );
    const suite = loadSuite(file);
    expect(suite.cases.map((c) => [c.case.id, c.source])).toEqual([
      ["interview", "suite.jsonl:1"],
      ["again", "suite.jsonl:3"],
    ]);
    const [first] = suite.cases;
    expect(first!.cassette).toBe(join(file, "..", "cassettes", "interview.json"));
    expect(first!.judgeCassette).toBe(join(file, "..", "cassettes", "interview.judge.json"));
    expect(first!.case.expect).toEqual({
      trajectory: {
        match: "strict",
        steps: [
          { kind: "tool", name: "confirm_learning_goal" },
          { kind: "handover", name: "mission_curator" },
        ],
      },
      forbidden: [],
    });
    expect(loadSuite(file, ["again"]).cases.map((c) => c.case.id)).toEqual(["again"]);
  });

  it("names the file, line and field of a bad case", () => {
    expect(() => loadSuite(suiteFile(JSON.stringify(COMMANDER), "{not json"))).toThrow(
      /suite\.jsonl:2: not valid JSON/,
    );
    const noTurns = { ...COMMANDER, turns: [] };
    expect(() => loadSuite(suiteFile(JSON.stringify(noTurns)))).toThrow(
      /suite\.jsonl:1: not a valid case\n {2}turns: Too small/,
    );
    const badStep = { ...COMMANDER, expect: { trajectory: { steps: ["calls:create_mission"] } } };
    expect(() => loadSuite(suiteFile(JSON.stringify(badStep)))).toThrow(
      /expect\.trajectory\.steps\.0: a step is "tool:<name>", "handover:<agent>"/,
    );
    const badTurn = { ...COMMANDER, turns: [{ say: "hi" }] };
    expect(() => loadSuite(suiteFile(JSON.stringify(badTurn)))).toThrow(
      /turns\.0: a turn is \{"user": <text>\} or \{"reconnect": true\}/,
    );
    const ally = {
      ...COMMANDER,
      agent: "ally",
      seed: {
        learner: { name: "Ada" },
        mission: {
          title: "Git",
          short_description: "Git.",
          description: "Git.",
          level: "Beginner",
          topics_to_cover: ["Commits"],
          learning_goal: "Use Git.",
          byte_size_checkpoints: ["A", "B", "C", "D"],
          skills: [],
          is_public: false,
        },
        position: { completed_checkpoints: 5 },
      },
    };
    expect(() => loadSuite(suiteFile(JSON.stringify(ally)))).toThrow(
      /seed\.position: position is past the mission's last checkpoint/,
    );
    const threeCheckpoints = {
      ...ally,
      seed: {
        ...ally.seed,
        mission: { ...ally.seed.mission, byte_size_checkpoints: ["A", "B", "C"] },
        position: undefined,
      },
    };
    expect(() => loadSuite(suiteFile(JSON.stringify(threeCheckpoints)))).toThrow(
      /seed\.mission\.byte_size_checkpoints: Too small/,
    );
  });

  it("refuses duplicate ids, unknown --case ids and missing suites", () => {
    const file = suiteFile(JSON.stringify(COMMANDER), JSON.stringify(COMMANDER));
    expect(() => loadSuite(file)).toThrow(
      'suite.jsonl:2: case id "interview" is also at suite.jsonl:1',
    );
    expect(() => loadSuite(suiteFile(JSON.stringify(COMMANDER)), ["nope"])).toThrow(
      "No case with id nope",
    );
    expect(() => loadSuite("no-such-suite")).toThrow(SuiteError);
  });

  it("finds the starter suite by name", () => {
    const ally = loadSuite("ally");
    expect(ally.files).toEqual([join(CASES_DIR, "ally.jsonl")]);
    expect(ally.cases.every((c) => c.case.agent === "ally")).toBe(true);
  });
});
