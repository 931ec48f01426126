import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
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

const MISSION = {
  title: "Git",
  short_description: "Git.",
  description: "Git.",
  level: "Beginner",
  topics_to_cover: ["Commits"],
  learning_goal: "Use Git.",
  byte_size_checkpoints: ["A", "B", "C", "D"],
  skills: [],
  is_public: false,
};

const ALLY = {
  id: "lesson",
  agent: "ally",
  seed: { learner: { name: "Ada" }, mission: MISSION },
  turns: [{ user: "Hi" }, { user: "Yes" }],
  expect: {},
};

function suiteFile(...lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "eval-cases-")), "suite.jsonl");
  writeFileSync(file, lines.join("\n"));
  return file;
}

const load = (...cases: object[]) => loadSuite(suiteFile(...cases.map((c) => JSON.stringify(c))));

describe("recorded-conversation format", () => {
  it("reads one case per line, with defaults, and puts its cassettes beside the suite", async () => {
    const file = suiteFile(
      JSON.stringify(COMMANDER),
      "",
      JSON.stringify({ ...COMMANDER, id: "again" }),
    );
    const suite = await loadSuite(file);
    expect(suite.cases.map((c) => [c.case.id, c.source])).toEqual([
      ["interview", "suite.jsonl:1"],
      ["again", "suite.jsonl:3"],
    ]);
    const [first] = suite.cases;
    expect(first!.cassette).toBe(join(file, "..", "cassettes", "interview.json"));
    expect(first!.judgeCassette).toBe(join(file, "..", "cassettes", "interview.judge.json"));
    expect(first!.learnerCassette).toBe(join(file, "..", "cassettes", "interview.learner.json"));
    expect(first!.case.expect).toEqual({
      trajectory: {
        match: "strict",
        steps: [
          { kind: "tool", name: "confirm_learning_goal" },
          { kind: "handover", name: "mission_curator" },
        ],
      },
      replies: [],
      forbidden: [],
    });
    expect((await loadSuite(file, { only: ["again"] })).cases.map((c) => c.case.id)).toEqual([
      "again",
    ]);
  });

  it("names the file, line and field of a bad case", async () => {
    await expect(loadSuite(suiteFile(JSON.stringify(COMMANDER), "{not json"))).rejects.toThrow(
      /suite\.jsonl:2: not valid JSON/,
    );
    await expect(load({ ...COMMANDER, turns: [] })).rejects.toThrow(
      /suite\.jsonl:1: not a valid case\n {2}turns: Too small/,
    );
    const badStep = { ...COMMANDER, expect: { trajectory: { steps: ["calls:create_mission"] } } };
    await expect(load(badStep)).rejects.toThrow(
      /expect\.trajectory\.steps\.0: a step is "tool:<name>", "handover:<agent>"/,
    );
    await expect(load({ ...COMMANDER, turns: [{ say: "hi" }] })).rejects.toThrow(
      /turns\.0: a turn is \{"user": <text>\}, \{"reconnect": true\} or \{"simulate": \{…\}\}/,
    );
    const past = { ...ALLY, seed: { ...ALLY.seed, position: { completed_checkpoints: 5 } } };
    await expect(load(past)).rejects.toThrow(
      /seed\.position: position is past the mission's last checkpoint/,
    );
    const three = {
      ...ALLY,
      seed: { ...ALLY.seed, mission: { ...MISSION, byte_size_checkpoints: ["A", "B", "C"] } },
    };
    await expect(load(three)).rejects.toThrow(/seed\.mission\.byte_size_checkpoints: Too small/);
    const badRegex = { ...ALLY, expect: { replies: [{ text: { regex: "(unclosed" } }] } };
    await expect(load(badRegex)).rejects.toThrow(
      /expect\.replies\.0\.text: not a valid regular expression/,
    );
    const badArg = {
      ...COMMANDER,
      expect: {
        trajectory: { steps: [{ tool: "confirm_learning_goal", args: { topic: { regex: "(" } } }] },
      },
    };
    await expect(load(badArg)).rejects.toThrow(
      /expect\.trajectory\.steps\.0: args\.topic: not a valid regular expression: \(/,
    );
  });

  it("refuses duplicate ids, unknown --case ids and missing suites", async () => {
    const file = suiteFile(JSON.stringify(COMMANDER), JSON.stringify(COMMANDER));
    await expect(loadSuite(file)).rejects.toThrow(
      'suite.jsonl:2: case id "interview" is also at suite.jsonl:1',
    );
    await expect(
      loadSuite(suiteFile(JSON.stringify(COMMANDER)), { only: ["nope"] }),
    ).rejects.toThrow("No case with id nope");
    await expect(loadSuite("no-such-suite")).rejects.toThrow(SuiteError);
  });

  it("finds the starter suite by name", async () => {
    const ally = await loadSuite("ally");
    expect(ally.files).toEqual([join(CASES_DIR, "ally.jsonl")]);
    expect(ally.cases.every((c) => c.case.agent === "ally")).toBe(true);
  });
});

describe("rules that cannot match", () => {
  it.each([
    [
      "an agent the graph does not have (the Commander's frames used to hide this)",
      { ...COMMANDER, expect: { forbidden: [{ says: "x", agent: "mission_sensei" }] } },
      'expect.forbidden.0.agent: mission_commander has no agent "mission_sensei"',
    ],
    [
      "a handover to an agent of the other graph",
      { ...ALLY, expect: { trajectory: { steps: ["handover:polaris"] } } },
      'expect.trajectory.steps.0: mission_ally has no agent "polaris"',
    ],
    [
      "a tool no agent of the graph calls",
      { ...ALLY, expect: { forbidden: [{ tool: "confirm_learning_goal" }] } },
      `expect.forbidden.0: mission_ally's agents call no tool "confirm_learning_goal"`,
    ],
    [
      "a tool that is a node, never a call",
      { ...COMMANDER, expect: { trajectory: { steps: ["tool:create_mission"] } } },
      `expect.trajectory.steps.0: mission_commander's agents call no tool "create_mission"`,
    ],
    [
      "an argument the tool does not take",
      {
        ...COMMANDER,
        expect: {
          trajectory: {
            steps: [{ tool: "confirm_learning_goal", args: { subject: "Git" } }],
          },
        },
      },
      'expect.trajectory.steps.0.args.subject: confirm_learning_goal has no argument "subject"',
    ],
    [
      "an argument value outside the tool's enum",
      {
        ...COMMANDER,
        expect: {
          trajectory: { steps: [{ tool: "confirm_learning_goal", args: { level: "beginner" } }] },
        },
      },
      `expect.trajectory.steps.0.args.level: confirm_learning_goal's "level" can never match: "beginner" is never its value (one of "Beginner", "Intermediate", "Advanced")`,
    ],
    [
      "a matcher the format does not have, on a text argument",
      {
        ...COMMANDER,
        expect: {
          trajectory: {
            steps: [{ tool: "confirm_learning_goal", args: { topic: { startsWith: "Git" } } }],
          },
        },
      },
      `args.topic: confirm_learning_goal's "topic" can never match: it is a string, never {"startsWith":"Git"} (matchers: contains, regex, not, equals)`,
    ],
    [
      "contains that no value of the enum holds",
      {
        ...COMMANDER,
        expect: {
          trajectory: {
            steps: [{ tool: "confirm_learning_goal", args: { level: { contains: "Expert" } } }],
          },
        },
      },
      `args.level: confirm_learning_goal's "level" can never match: none of its values contains "Expert"`,
    ],
    [
      "a regex that no value of the enum matches",
      {
        ...COMMANDER,
        expect: {
          trajectory: {
            steps: [{ tool: "confirm_learning_goal", args: { level: { regex: "^expert" } } }],
          },
        },
      },
      `args.level: confirm_learning_goal's "level" can never match: matches /^expert/i matches none of its values`,
    ],
    [
      "a node the graph does not have",
      {
        ...ALLY,
        expect: { nodes: { turns: [["intake", "mission_sensei:grade"]], match: "subset" } },
      },
      'expect.nodes.turns.0.1: mission_ally has no node "mission_sensei:grade"',
    ],
    [
      "a state key the graph does not keep",
      { ...ALLY, expect: { state: { values: { assessment_answered: true } } } },
      `expect.state.values.assessment_answered: mission_ally's state has no "assessment_answered"`,
    ],
    [
      "a misspelt field inside a state value",
      { ...COMMANDER, expect: { state: { values: { "goal.levle": "Beginner" } } } },
      `expect.state.values.goal.levle: in mission_commander's state, "goal" has no "levle" (it has: `,
    ],
    [
      "a path past a plain value",
      { ...ALLY, expect: { state: { values: { "phase.name": "teaching" } } } },
      `expect.state.values.phase.name: in mission_ally's state, "phase" is a plain enum value, with no "name"`,
    ],
    [
      "a list read by name",
      { ...ALLY, expect: { state: { values: { "assessments.first.status": "open" } } } },
      `expect.state.values.assessments.first.status: in mission_ally's state, "assessments" is a list: "first" is no position in it`,
    ],
    [
      "the transcript, which the trace keeps outside the state",
      { ...ALLY, expect: { state: { values: { "messages.0": "Hi" } } } },
      `expect.state.values.messages.0: mission_ally's state has no "messages"`,
    ],
    [
      "a frame the socket never sends",
      { ...COMMANDER, expect: { forbidden: [{ frame: "checkpoint_update" }] } },
      `expect.forbidden.0: mission_commander's socket sends no "checkpoint_update" frame`,
    ],
    [
      "an Ally expectation on the Commander",
      { ...COMMANDER, expect: { state: { progress: [25] } } },
      "expect.state.progress: a commander conversation never has it",
    ],
    [
      "a reply to a learner message the case never sends",
      { ...ALLY, expect: { replies: [{ turn: 3, text: { contains: "x" } }] } },
      "expect.replies.0.turn: the case sends 2 learner messages, not 3",
    ],
    [
      "a path for every message but one",
      { ...ALLY, expect: { nodes: { turns: [["intake", "lumina"]] } } },
      "expect.nodes.turns: 1 entries for 2 learner messages",
    ],
    [
      "a simulated learner without a persona",
      { ...ALLY, turns: [{ simulate: { until: "checkpoint_update" } }] },
      "turns.0.simulate: the simulated learner needs seed.learner.persona",
    ],
  ])("fails loading on %s", async (_, evalCase, message) => {
    const failure = load(evalCase);
    await expect(failure).rejects.toThrow(/suite\.jsonl:1: rules that cannot match/);
    await expect(failure).rejects.toThrow(message);
  });

  it("accepts the names the graphs do have", async () => {
    const suite = await load({
      ...ALLY,
      expect: {
        trajectory: {
          match: "superset",
          steps: [{ tool: "ask_question", args: { question: { regex: "\\?$" } } }],
        },
        nodes: { match: "superset", turns: [["lumina"], ["mission_sensei:ask_question"]] },
        replies: [{ turn: 1, agent: "mission_ally", text: { contains: "Checkpoint 1" } }],
        state: {
          values: {
            "assessments.0.status": "open",
            "assessments.length": 1,
            phase: { not: "done" },
          },
        },
        forbidden: [{ frame: "checkpoint_update" }, { says: "x", agent: "mission_sensei" }],
      },
    });
    expect(suite.cases).toHaveLength(1);
  });

  it("accepts argument rules that some value of the argument can meet", async () => {
    const args = [
      { level: "Beginner", topic: "Git" },
      { level: { contains: "begin" }, topic: { contains: "Git" } },
      { level: { regex: "^(beginner|advanced)$" }, outcome: { regex: "." } },
      { level: { not: "Expert" }, topic: { equals: "Git" } },
    ];
    const suite = await load(
      ...args.map((a, i) => ({
        ...COMMANDER,
        id: `interview-${i}`,
        expect: { trajectory: { steps: [{ tool: "confirm_learning_goal", args: a }] } },
      })),
    );
    expect(suite.cases).toHaveLength(args.length);
  });
});

describe("fixtures", () => {
  function withFixtures() {
    const dir = mkdtempSync(join(tmpdir(), "eval-fixtures-"));
    mkdirSync(join(dir, "missions"));
    mkdirSync(join(dir, "learners"));
    writeFileSync(join(dir, "missions", "git.json"), JSON.stringify(MISSION));
    writeFileSync(
      join(dir, "learners", "ada.json"),
      JSON.stringify({ name: "Ada", learning_style: ["visual"] }),
    );
    return dir;
  }

  it("puts the named mission and learner in the case's seed", async () => {
    const fixturesDir = withFixtures();
    const named = { ...ALLY, seed: { learner: "ada", mission: "git" } };
    const suite = await loadSuite(suiteFile(JSON.stringify(named)), { fixturesDir });
    const [loaded] = suite.cases;
    expect(loaded!.fixtures).toEqual({ learner: "ada", mission: "git" });
    expect(loaded!.case.seed).toMatchObject({
      learner: { name: "Ada", learning_style: ["visual"] },
      mission: { title: "Git", byte_size_checkpoints: ["A", "B", "C", "D"] },
    });
    // A case that names the fixture is the same case as one that inlines it.
    const inlined = await loadSuite(
      suiteFile(
        JSON.stringify({
          ...ALLY,
          seed: { learner: { name: "Ada", learning_style: ["visual"] }, mission: MISSION },
        }),
      ),
      { fixturesDir },
    );
    expect(inlined.cases[0]!.content_hash).toBe(loaded!.content_hash);
  });

  it("names the fixtures there are when a case names one that is not", async () => {
    const fixturesDir = withFixtures();
    const missing = { ...ALLY, seed: { learner: "ada", mission: "rust" } };
    await expect(loadSuite(suiteFile(JSON.stringify(missing)), { fixturesDir })).rejects.toThrow(
      /seed\.mission: no fixture "rust" in .*missions \(there: git\)/,
    );
  });

  it("ships the fixtures the starter suite names", async () => {
    const suite = await loadSuite(CASES_DIR);
    const named = suite.cases.flatMap((c) => Object.values(c.fixtures));
    expect(named).toEqual(expect.arrayContaining(["git-for-teams", "ada", "lee"]));
  });
});

describe("a case's content hash", () => {
  it("changes when what the case runs or expects changes, not when it is renamed or relabelled", async () => {
    const base = (await load(ALLY)).cases[0]!.content_hash;
    const renamed = { ...ALLY, id: "other", description: "About Git", tags: ["x"] };
    expect((await load(renamed)).cases[0]!.content_hash).toBe(base);
    const edited = { ...ALLY, turns: [{ user: "Hi" }, { user: "No" }] };
    expect((await load(edited)).cases[0]!.content_hash).not.toBe(base);
    const stricter = { ...ALLY, expect: { forbidden: [{ frame: "error" }] } };
    expect((await load(stricter)).cases[0]!.content_hash).not.toBe(base);
  });
});
