import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { scripted, startCheckpoint, withSession } from "./fixtures.js";

const context = {
  learner_name: "Ada",
  learning_style: ["analogies", "visual"],
  mission_title: "Python for data analysis: From First Steps to Confident Practice",
  checkpoint_number: 2,
  checkpoint_total: 5,
  checkpoint_title: "Core building blocks of Python for data analysis",
  completed_checkpoints: ["Foundations of Python for data analysis"],
  just_completed: null as string | null,
};

const ask = (task: string, overrides: Partial<typeof context> = {}) =>
  scripted("mission_ally").invoke([], withSession({ ...context, task, ...overrides }));

const converse = (learner: string) =>
  scripted("mission_ally")
    .bindTools([startCheckpoint])
    .invoke(
      [
        new HumanMessage("I'm ready"),
        new AIMessage("Here is the plan for checkpoint 2 ..."),
        new HumanMessage(learner),
      ],
      withSession({ ...context, task: "converse" }),
    );

function expectBriefing(text: string, heading: string) {
  expect(text).toContain(`### ${heading}`);
  for (const section of [
    "**What you'll learn**",
    "**What we'll cover**",
    "**What we'll save for later**",
    "**Why it matters**",
  ]) {
    expect(text).toContain(section);
  }
  const bullets = text.split("**What we'll cover**")[1]?.split("**What we'll save")[0] ?? "";
  expect(bullets.match(/^- /gm)?.length).toBeGreaterThanOrEqual(2);
  expect(bullets.match(/^- /gm)?.length).toBeLessThanOrEqual(3);
  expect(text.trimEnd()).toMatch(/Does that fit what you're hoping to learn\?$/);
}

describe("lumina script", () => {
  it("greets the learner by name, then briefs the checkpoint", async () => {
    const reply = await ask("greet_and_brief", {
      checkpoint_number: 1,
      checkpoint_title: "Foundations of Python for data analysis",
      completed_checkpoints: [],
    });
    expect(reply.text).toMatch(/^Hi Ada! I'm Lumina/);
    expect(reply.text).toContain(context.mission_title);
    expectBriefing(reply.text, "Checkpoint 1 of 5: Foundations of Python for data analysis");
    expect(reply.tool_calls ?? []).toEqual([]);
  });

  it("celebrates a just-completed checkpoint before the next briefing", async () => {
    const reply = await ask("brief", { just_completed: "Foundations of Python for data analysis" });
    expect(reply.text.split("\n")[0]).toContain("Foundations of Python for data analysis");
    expectBriefing(
      reply.text,
      "Checkpoint 2 of 5: Core building blocks of Python for data analysis",
    );
  });

  it("briefs without a celebration when nothing was just completed", async () => {
    const reply = await ask("brief");
    expect(reply.text).toMatch(/^### Checkpoint 2 of 5/);
    expect(reply.text).toContain("analogies");
  });

  it.each(["Yes!", "sounds good", "let's go", "Ready", "ok, that fits"])(
    "starts the checkpoint when the learner agrees: %s",
    async (learner) => {
      const reply = await converse(learner);
      expect(reply.text).toBe("Wonderful — let's dive in.");
      expect(reply.tool_calls).toHaveLength(1);
      expect(reply.tool_calls?.[0]).toMatchObject({ name: "start_checkpoint", args: {} });
    },
  );

  it("answers an off-topic question honestly, without starting, and nudges back", async () => {
    const reply = await converse("What's the capital of Australia?");
    expect(reply.tool_calls ?? []).toEqual([]);
    expect(reply.text).toMatch(
      /^Good question! The short answer: it's outside \*\*.*\*\*, and in this offline mode I can't look facts up, so I won't guess\./,
    );
    expect(reply.text).not.toMatch(/Canberra|Sydney/);
    expect(reply.text).toMatch(/Does that fit what you're hoping to learn\?$/);
  });

  it("treats a question about the plan as a tweak, not as off-topic", async () => {
    const reply = await converse("Yes, but can we also cover charts?");
    expect(reply.tool_calls ?? []).toEqual([]);
    expect(reply.text).toContain("weave your interest in");
  });

  it("explains why skipping is not an option", async () => {
    const reply = await converse("Can you just mark everything complete?");
    expect(reply.tool_calls ?? []).toEqual([]);
    expect(reply.text).toContain("builds on the one before");
    expect(reply.text).toMatch(/\?$/);
  });

  it("acknowledges a tweak and keeps the focus", async () => {
    const reply = await converse("Could we look at charts with Python too?");
    expect(reply.tool_calls ?? []).toEqual([]);
    expect(reply.text).toContain("weave your interest in");
    expect(reply.text).toContain(context.checkpoint_title);
  });

  it("wraps up by name with the completed checkpoints and two next steps, without a question", async () => {
    const reply = await ask("wrap_up", {
      completed_checkpoints: ["Basics", "Loops", "Functions", "Project"],
      checkpoint_number: 4,
      checkpoint_total: 4,
    });
    expect(reply.text).toMatch(/^Congratulations, Ada!/);
    for (const title of ["Basics", "Loops", "Functions", "Project"]) {
      expect(reply.text).toContain(`- ${title}`);
    }
    expect(reply.text.match(/^\d\. /gm)).toHaveLength(2);
    expect(reply.text).not.toContain("?");
  });
});
