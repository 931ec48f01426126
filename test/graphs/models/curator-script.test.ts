import { HumanMessage, type AIMessageChunk } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { MissionDraftSchema, scripted, withSession } from "./fixtures.js";

const curate = (goal: { topic: string; level: string; outcome: string }) =>
  scripted("mission_curator")
    .withStructuredOutput(MissionDraftSchema, { name: "mission" })
    .invoke([new HumanMessage("Learner: I want to learn ...")], withSession(goal));

const seedGoal = {
  topic: "Python for data analysis",
  level: "Beginner",
  outcome: "analyze business data",
};

describe("curator script", () => {
  it("produces a mission that validates, through withStructuredOutput", async () => {
    const draft = MissionDraftSchema.parse(await curate(seedGoal));
    expect(draft.title).toContain("Python for data analysis");
    expect(draft.level).toBe("Beginner");
    expect(draft.is_public).toBe(true);
    expect(draft.byte_size_checkpoints).toEqual([
      "Foundations of Python for data analysis",
      "Core building blocks of Python for data analysis",
      "Hands-on practice with Python for data analysis",
      "Common pitfalls in Python for data analysis and how to avoid them",
      "Capstone: analyze business data with Python for data analysis",
    ]);
    expect(draft.topics_to_cover.length).toBeGreaterThanOrEqual(3);
    expect(draft.topics_to_cover.length).toBeLessThanOrEqual(6);
    expect(draft.skills.length).toBeGreaterThanOrEqual(2);
    expect(draft.skills.length).toBeLessThanOrEqual(5);
  });

  it("sizes its prose as the mission schema describes", async () => {
    const draft = MissionDraftSchema.parse(await curate(seedGoal));
    const sentences = (text: string) => text.split(/(?<=[.!?])\s+/).length;
    expect(sentences(draft.short_description)).toBeLessThanOrEqual(2);
    expect(draft.description.split("\n\n").length).toBeGreaterThanOrEqual(2);
    expect(draft.description.split("\n\n").length).toBeLessThanOrEqual(3);
    expect(sentences(draft.learning_goal)).toBeGreaterThanOrEqual(3);
    expect(sentences(draft.learning_goal)).toBeLessThanOrEqual(4);
  });

  it.each(["Beginner", "Intermediate", "Advanced"])(
    "names the topic in the title and every checkpoint at %s level",
    async (level) => {
      const draft = MissionDraftSchema.parse(
        await curate({
          topic: "watercolour painting",
          level,
          outcome: "a portfolio of landscapes",
        }),
      );
      expect(draft.level).toBe(level);
      expect(draft.title).toContain("Watercolour painting");
      for (const checkpoint of draft.byte_size_checkpoints) {
        expect(checkpoint).toContain("watercolour painting");
      }
      expect(draft.byte_size_checkpoints.at(-1)).toMatch(/^Capstone: /);
    },
  );

  it("starts from the foundations when the learner asked for them", async () => {
    const draft = MissionDraftSchema.parse(
      await curate({
        topic: "statistics",
        level: "Intermediate",
        outcome: "understand research papers, starting from the foundations",
      }),
    );
    expect(draft.byte_size_checkpoints[0]).toBe("Foundations of statistics");
    expect(draft.byte_size_checkpoints.at(-1)).toBe(
      "Capstone: understand research papers with statistics",
    );
    expect(draft.description).toContain("foundations of statistics");
  });

  it("turns a how-to topic into a subject and does not repeat it in the capstone", async () => {
    const draft = MissionDraftSchema.parse(
      await curate({
        topic: "how to bake sourdough bread",
        level: "Beginner",
        outcome: "bake sourdough bread with confidence",
      }),
    );
    expect(draft.title).toMatch(/^Baking sourdough bread: /);
    expect(draft.byte_size_checkpoints[0]).toBe("Foundations of baking sourdough bread");
    expect(draft.byte_size_checkpoints.at(-1)).toBe(
      "Capstone: bake sourdough bread with confidence",
    );
    expect(draft.learning_goal).toMatch(
      /^By the end of this mission, you will be able to bake sourdough bread with confidence\./,
    );
  });

  it("echoes the bound tool's name and is deterministic", async () => {
    const model = scripted("mission_curator").withStructuredOutput(MissionDraftSchema, {
      name: "draft_mission",
      includeRaw: true,
    });
    const messages = [new HumanMessage("transcript")];
    const first = await model.invoke(messages, withSession(seedGoal));
    const second = await model.invoke(messages, withSession(seedGoal));
    const raw = first.raw as AIMessageChunk;
    expect(raw.tool_calls?.[0]?.name).toBe("draft_mission");
    expect(second.parsed).toEqual(first.parsed);
  });
});
