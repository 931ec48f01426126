import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { geminiLearner } from "../../evals/learner/gemini-learner.js";
import { openLearner, scriptedLearner, type SeenLine } from "../../evals/learner/index.js";
import { Persona } from "../../evals/runner/case-schema.js";
import { runEvalCommand } from "../../evals/runner/command.js";
import type { RunResults } from "../../evals/report/results.js";
import { startGenericGemini } from "../support/generic-gemini.js";

const persona = Persona.parse({
  goal: "analyse my shop's sales",
  topic: "Python for data analysis",
  outcome: "build a weekly sales summary",
  level: "Intermediate",
  answers: ["A variable is a labelled jar that holds a value.", "I would add up one column."],
});

const tutor = (...texts: string[]): SeenLine[] => texts.map((text) => ({ speaker: "tutor", text }));
const learnerSaid = (text: string): SeenLine => ({ speaker: "learner", text });

describe("the scripted simulated learner", () => {
  const learner = scriptedLearner();
  const next = (agent: "commander" | "ally", transcript: SeenLine[], p = persona) =>
    learner.next({ agent, name: "Lee", persona: p, transcript });

  it("says hello first, and answers the interview's questions from its persona", async () => {
    expect(await next("commander", [])).toBe("Hi!");
    const asked = (question: string) =>
      next("commander", [learnerSaid("Hi!"), ...tutor(`Good to know. ${question}`)]);
    expect(await asked("What would you like to learn?")).toBe(
      "I want to learn Python for data analysis so I can build a weekly sales summary",
    );
    expect(
      await asked("What would you like to be able to do with it once you've learned it?"),
    ).toBe("I want to build a weekly sales summary");
    expect(await asked("Would you call yourself a beginner, intermediate or advanced?")).toBe(
      "I'd say I'm an intermediate",
    );
    expect(
      await asked("Are you comfortable with loops, or should we start with those foundations?"),
    ).toBe("Yes, I'm comfortable with those");
    expect(await asked("So you want to learn X. Does that capture it?")).toBe("Yes, that's right");
  });

  it("answers the question the tutor actually asked, even one nobody scripted", async () => {
    const briefing = tutor(
      "### Checkpoint 1 of 4: Variables … Does that fit what you're hoping to learn?",
    );
    expect(await next("ally", [learnerSaid("Hi!"), ...briefing])).toBe(
      "Yes, that fits, let's start",
    );
    // An extra question a live model might ask: it still gets an answer in the learner's words.
    const extra = [learnerSaid("Hi!"), ...briefing, learnerSaid("Yes, that fits, let's start")];
    expect(
      await next("ally", [
        ...extra,
        ...tutor("Before we begin: which tool do you use today for your sales?"),
      ]),
    ).toBe("A variable is a labelled jar that holds a value.");
    expect(
      await next("ally", [
        ...extra,
        ...tutor("What is a variable?"),
        learnerSaid("A variable is a labelled jar that holds a value."),
        ...tutor("Nice! What would you try first?"),
      ]),
    ).toBe("I would add up one column.");
    expect(
      await next("ally", [...extra, ...tutor("How confident do you feel about it now?")]),
    ).toBe("I feel confident about it now");
    // Nothing was asked: the learner has nothing more to say.
    expect(
      await next("ally", [...extra, ...tutor("Congratulations! Here is what you achieved.")]),
    ).toBeUndefined();
  });

  it("plays its style: unsure before each answer, and one unrelated question per checkpoint", async () => {
    const unsure = Persona.parse({ ...persona, style: ["unsure_first"] });
    const question = tutor("In your own words, what is a variable?");
    expect(await next("ally", [learnerSaid("Hi!"), ...question], unsure)).toBe("I'm not sure");
    expect(
      await next(
        "ally",
        [
          learnerSaid("Hi!"),
          ...question,
          learnerSaid("I'm not sure"),
          ...tutor("Simpler: can you name one?"),
        ],
        unsure,
      ),
    ).toBe("A variable is a labelled jar that holds a value.");
    const curious = Persona.parse({ ...persona, style: ["asks_off_topic"] });
    const briefed = [
      learnerSaid("Hi!"),
      ...tutor("Checkpoint 1 of 4: Variables. What is a variable?"),
    ];
    expect(await next("ally", briefed, curious)).toMatch(/capital of France\?$/);
    expect(
      await next(
        "ally",
        [
          ...briefed,
          learnerSaid("Quick question before that: what's the capital of France?"),
          ...tutor("Paris. Now: what is a variable?"),
        ],
        curious,
      ),
    ).toBe("A variable is a labelled jar that holds a value.");
  });
});

describe("the Gemini simulated learner", () => {
  it("plays the persona from a prompt, against the tutor's messages, and stops at DONE", async () => {
    const gemini = await startGenericGemini({
      policy: (request) => {
        const said = JSON.stringify(request.contents);
        return [
          { text: said.includes("Congratulations") ? "DONE" : "I think a variable holds a value." },
        ];
      },
    });
    try {
      const learner = geminiLearner({
        apiKey: "k",
        baseUrl: gemini.url,
        model: "gemini-2.5-flash",
      });
      const view = {
        agent: "ally" as const,
        name: "Lee",
        persona,
        transcript: tutor("What is a variable?"),
      };
      expect(await learner.next(view)).toBe("I think a variable holds a value.");
      const prompt = gemini.requests[0]!.body.systemInstruction;
      const system = JSON.stringify(prompt);
      expect(system).toContain("- name: Lee");
      expect(system).toContain("- what you want to be able to do: build a weekly sales summary");
      expect(JSON.stringify(gemini.requests[0]!.body.contents)).toContain(
        "Tutor: What is a variable?",
      );
      expect(
        await learner.next({ ...view, transcript: tutor("Congratulations!") }),
      ).toBeUndefined();
    } finally {
      await gemini.stop();
    }
  });

  it("is chosen when the run talks to live Gemini with a key; the scripted one otherwise", async () => {
    const plan = { settings: {}, judgeModel: "m", learnerModel: "m", stop: async () => undefined };
    const cassette = join(mkdtempSync(join(tmpdir(), "learner-")), "case.learner.json");
    const live = await openLearner({ ...plan, mode: "gemini", apiKey: "key" }, cassette);
    expect(live.learner.kind).toBe("gemini");
    const offline = await openLearner({ ...plan, mode: "scripted" }, cassette);
    expect(offline.learner.kind).toBe("scripted");
    const replayWithout = await openLearner({ ...plan, mode: "replay" }, cassette);
    expect(replayWithout.learner.kind).toBe("scripted");
    // A case whose LLM learner was recorded is replayed with it.
    writeFileSync(cassette, JSON.stringify({ interactions: [] }));
    const replayed = await openLearner({ ...plan, mode: "replay" }, cassette);
    expect(replayed.learner.kind).toBe("gemini");
    await replayed.stop();
  });
});

describe("npm run eval -- --repeat 3", () => {
  function sink() {
    let text = "";
    const stream = { isTTY: false, write: (chunk: string) => ((text += chunk), true) };
    return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
  }

  it("runs every case three times and reports pass@3 and pass^3 per case and in all", async () => {
    const out = mkdtempSync(join(tmpdir(), "eval-repeat-"));
    const stdout = sink();
    const stderr = sink();
    const code = await runEvalCommand(
      [
        "ally",
        "--case",
        "ally-briefing-agreed",
        "--case",
        "ally-simulated-learner",
        "--repeat",
        "3",
        "--out",
        out,
      ],
      { stdout: stdout.stream, stderr: stderr.stream, env: { GOOGLE_API_KEY: "", NO_COLOR: "1" } },
    );
    expect(code).toBe(0);
    expect(stderr.text().trim().split("\n")).toHaveLength(6);
    expect(stdout.text()).toMatch(/passed of 3/);
    expect(stdout.text()).toMatch(/ally-simulated-learner .* 3\/3 /);
    expect(stdout.text()).toContain(
      "pass@3 (passed at least once): 2/2 cases · pass^3 (passed every time): 2/2 cases",
    );
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as RunResults;
    expect(results.run.repeat).toBe(3);
    expect(results.summary.repeat).toEqual({ k: 3, pass_at_k: 2, pass_hat_k: 2 });
    expect(results.cases.map((c) => [c.id, c.repeat?.passed, c.repeat?.runs.length])).toEqual([
      ["ally-briefing-agreed", 3, 3],
      ["ally-simulated-learner", 3, 3],
    ]);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("pass@3 2/2");
  }, 60_000);

  it("refuses a repeat that makes no sense", async () => {
    const stderr = sink();
    const io = { stdout: sink().stream, stderr: stderr.stream, env: { GOOGLE_API_KEY: "" } };
    expect(await runEvalCommand(["--repeat", "0"], io)).toBe(2);
    expect(stderr.text()).toContain("--repeat must be a whole number from 1 to 50, got 0");
    expect(await runEvalCommand(["--repeat", "2", "--model", "replay", "--record"], io)).toBe(2);
    expect(stderr.text()).toContain("--repeat cannot be used with --record");
  });
});
