import type { CheckpointEvidence } from "../../domain/index.js";
import { renderReport } from "../../evals/report/html.js";
import { escapeHtml } from "../../graphs/draw/html.js";
import type { RunResults } from "../../evals/report/results.js";
import { runSuite } from "../../evals/runner/run-suite.js";

// The starter suite, as CI runs it: every recorded conversation against the real server, once on
// the offline scripted tutor and once on the real Gemini client replaying each case's cassette.

const OFFLINE = { GOOGLE_API_KEY: "" };

function failures(results: RunResults): string {
  return results.cases
    .filter((c) => c.status !== "pass")
    .map(
      (c) =>
        `${c.id}: ${c.error ?? c.checks.flatMap((k) => k.failures.map((f) => `${k.name}: ${f}`)).join("; ")}`,
    )
    .join("\n");
}

let scripted: RunResults;

describe("the starter suite", () => {
  it("passes every case on the scripted tutor", async () => {
    scripted = await runSuite({ suite: "evals/cases", model: "scripted", env: OFFLINE });
    expect(failures(scripted)).toBe("");
    expect(scripted.summary).toMatchObject({
      cases: scripted.cases.length,
      passed: scripted.cases.length,
    });
    expect(scripted.cases.length).toBeGreaterThanOrEqual(20);
    // Every case checks its trajectory and the protocol; the judge is skipped, and says why.
    for (const result of scripted.cases) {
      const status = Object.fromEntries(result.checks.map((c) => [c.name, c.status]));
      expect(status, result.id).toMatchObject({
        run: "pass",
        trajectory: "pass",
        protocol: "pass",
        invariants: "pass",
      });
    }
    const judged = scripted.cases.flatMap((c) =>
      c.checks.filter((k) => k.name === "judge" && k.note !== "the case has no rubric"),
    );
    expect(judged.length).toBeGreaterThan(0);
    expect(judged.every((k) => k.status === "skipped" && k.note === "no GOOGLE_API_KEY")).toBe(
      true,
    );
  }, 60_000);

  it("covers the conversations the product must handle", () => {
    const tags = new Set(scripted.cases.flatMap((c) => c.tags));
    for (const tag of [
      "interview",
      "vague",
      "prerequisites",
      "off-topic",
      "re-explanation",
      "skip",
      "reconnect",
      "completion",
      "assessment",
      "manipulation",
      "language",
      "simulated",
    ]) {
      expect(tags, tag).toContain(tag);
    }
    const agents = new Set(scripted.cases.map((c) => c.agent));
    expect([...agents].sort()).toEqual(["ally", "commander"]);
    const completed = scripted.cases.filter((c) =>
      c.trace?.frames.some((e) => "frame" in e && e.frame.type === "session_closed"),
    );
    expect(completed.length).toBeGreaterThanOrEqual(3);
  });

  it("passes every case on Gemini replayed from the cases' cassettes, along the same trajectories", async () => {
    const replay = await runSuite({ suite: "evals/cases", model: "replay", env: OFFLINE });
    expect(failures(replay)).toBe("");
    for (const result of replay.cases) {
      expect(result.checks.find((c) => c.name === "replay")?.status, result.id).toBe("pass");
    }
    const trajectories = (results: RunResults) =>
      Object.fromEntries(results.cases.map((c) => [c.id, c.trajectory]));
    expect(trajectories(replay)).toEqual(trajectories(scripted));

    // Gemini's structured verdicts are kept as each completed checkpoint's evidence, and the
    // report shows them beside the questions and the learner's own answers.
    const completed = replay.cases.find((c) => c.id === "ally-full-mission")!;
    const evidence = completed.trace!.steps.at(-1)!.state.evidence as CheckpointEvidence[];
    expect(evidence.length).toBeGreaterThanOrEqual(4);
    const answers = evidence.flatMap((e) => e.answers);
    expect(answers.every((a) => a.verdict === "understood")).toBe(true);
    const html = renderReport({ ...replay, cases: [completed] });
    const section = html.slice(html.indexOf("<h3>Questions, answers and verdicts</h3>"));
    expect(section).not.toBe(html);
    for (const a of answers) expect(section).toContain(escapeHtml(a.answer));
    expect(section.match(/<td>understood<\/td>/g)).toHaveLength(answers.length);
  }, 90_000);
});
