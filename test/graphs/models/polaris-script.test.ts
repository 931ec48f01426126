import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import {
  SEED_INTERVIEW,
  confirmLearningGoal,
  playConversation,
  questionMarks,
  scripted,
  withSession,
} from "./fixtures.js";

const polaris = () => scripted("polaris").bindTools([confirmLearningGoal]);
const session = { learner_name: "Ada" };
const interview = (messages: readonly string[]) => playConversation(polaris(), session, messages);
const lastReply = async (messages: readonly string[]) => (await interview(messages)).at(-1)!.reply;

describe("polaris script", () => {
  it("walks the seed interview one question at a time and confirms the goal", async () => {
    const turns = await interview(SEED_INTERVIEW);
    const questions = turns.slice(0, -1).map((turn) => turn.reply);
    for (const reply of questions) {
      expect(questionMarks(reply.text)).toBe(1);
      expect(reply.tool_calls ?? []).toEqual([]);
    }
    expect(questions[0]?.text).toMatch(/^Hi Ada!/);
    expect(questions[0]?.text).toContain("do with Python for data analysis");
    expect(questions[1]?.text).toMatch(/beginner, intermediate or advanced\?$/);
    expect(questions[2]?.text).toContain("are you comfortable with");
    expect(questions[3]?.text).toBe(
      "So you want to learn Python for data analysis, at a Beginner level, so that you can analyze business data. Does that capture it?",
    );

    const confirmation = turns.at(-1)!.reply;
    expect(confirmation.text).toBe("");
    expect(confirmation.tool_calls).toHaveLength(1);
    expect(confirmation.tool_calls?.[0]).toMatchObject({
      name: "confirm_learning_goal",
      args: {
        topic: "Python for data analysis",
        level: "Beginner",
        outcome: "analyze business data",
      },
    });
    expect(confirmation.tool_calls?.[0]?.id).toMatch(/^call_/);
  });

  it("asks what to learn after a bare greeting and greets a nameless learner", async () => {
    const reply = await playConversation(polaris(), { learner_name: "there" }, ["hi there"]);
    expect(reply[0]?.reply.text).toMatch(/^Hi there! .*What would you like to learn\?$/);
  });

  it("fills several slots from one message and skips the questions it answered", async () => {
    const reply = await lastReply([
      "I want to learn SQL so I can build dashboards, I'm a complete beginner",
    ]);
    expect(reply.text).toContain("Before we lock this in: are you comfortable with");
  });

  it("infers Advanced and Intermediate levels from what the learner says", async () => {
    const advanced = await lastReply([
      "Teach me Kubernetes",
      "Run production clusters",
      "I'm a professional with years of experience",
      "Yes I'm comfortable",
    ]);
    expect(advanced.text).toContain("at an Advanced level");

    const intermediate = await lastReply([
      "I'm interested in Spanish",
      "Chat with my neighbours",
      "I know a bit",
      "sure",
    ]);
    expect(intermediate.text).toBe(
      "So you want to learn Spanish, at an Intermediate level, so that you can chat with my neighbours. Does that capture it?",
    );
  });

  it("treats a level answer without cues as Beginner", async () => {
    const reply = await lastReply(["Python", "automate my reports", "hmm, hard to say", "yes"]);
    expect(reply.text).toContain("at a Beginner level");
  });

  it("introduces itself once, and helps a learner who does not know what to learn", async () => {
    const [first, second] = await interview(["I don't know", "How to bake sourdough bread"]);
    expect(first?.reply.text).toMatch(/^Hi Ada! I'm Polaris.*anything from a programming language/);
    expect(second?.reply.text).not.toContain("Polaris");
    expect(second?.reply.text).toContain("do with how to bake sourdough bread");

    const unsureOutcome = await lastReply([
      "teach me how to bake sourdough bread",
      "not sure",
      "never baked",
      "yes",
    ]);
    expect(unsureOutcome.text).toContain("so that you can bake sourdough bread with confidence.");
  });

  it("keeps off-topic messages from filling any slot", async () => {
    const turns = await interview(["I want to learn chess", "What's the weather like today?"]);
    const reply = turns[1]!.reply;
    expect(reply.text).toBe(
      "Let's stay focused on clarifying your learning goal first. What would you like to be able to do with chess once you've learned it?",
    );

    const meta = await lastReply(["I want to learn chess", "Are you an AI?"]);
    expect(meta.text).toMatch(/^Let's stay focused on clarifying your learning goal first\./);
    expect(meta.text).toContain("do with chess");
  });

  it.each(["yes", "Ja", "Sí", "ok", "asdf"])(
    "does not take %j as what the learner wants to be able to do",
    async (reply) => {
      const turns = await interview([
        "I want to learn Rust",
        reply,
        "build a CLI tool",
        "Beginner",
      ]);
      expect(turns[1]!.reply.text).toMatch(/What would you like to be able to do with Rust/);
      const summary = await lastReply([
        "I want to learn Rust",
        reply,
        "build a CLI tool",
        "Beginner",
        "Yes, I'm comfortable with those",
      ]);
      expect(summary.text).toBe(
        "So you want to learn Rust, at a Beginner level, so that you can build a CLI tool. Does that capture it?",
      );
    },
  );

  it("remembers a request for the foundations in the confirmed outcome", async () => {
    const turns = await interview([
      "I want to learn statistics",
      "Understand research papers",
      "intermediate",
      "Not really, please start with the basics",
      "yes",
    ]);
    expect(turns[3]?.reply.text).toContain(
      "so that you can understand research papers, starting from the foundations.",
    );
    expect(turns[4]?.reply.tool_calls?.[0]?.args).toEqual({
      topic: "statistics",
      level: "Intermediate",
      outcome: "understand research papers, starting from the foundations",
    });
  });

  it("asks what to change after a plain no, then re-summarises the correction", async () => {
    const seedUntilSummary = SEED_INTERVIEW.slice(0, 4);
    const turns = await interview([...seedUntilSummary, "No", "Actually I have some experience"]);
    expect(turns[4]?.reply.text).toBe(
      "No problem — let's get it right. What would you like to change: the topic, the level, or what you want to achieve?",
    );
    expect(turns[4]?.reply.tool_calls ?? []).toEqual([]);
    expect(turns[5]?.reply.text).toContain("at an Intermediate level");
    expect(turns[5]?.reply.text).toMatch(/Does that capture it\?$/);
  });

  it("updates a slot named in the disagreement itself", async () => {
    const turns = await interview([
      ...SEED_INTERVIEW.slice(0, 4),
      "Not quite, I'd rather learn R for data analysis",
      "yes",
    ]);
    expect(turns[4]?.reply.text).toContain("So you want to learn R for data analysis");
    expect(turns[5]?.reply.tool_calls?.[0]?.args).toMatchObject({ topic: "R for data analysis" });
  });

  it("asks again for a slot the learner says is wrong", async () => {
    const turns = await interview([
      ...SEED_INTERVIEW.slice(0, 4),
      "No, the level is wrong",
      "advanced",
    ]);
    expect(turns[4]?.reply.text).toMatch(/would you call yourself a beginner/);
    expect(turns[5]?.reply.text).toContain("at an Advanced level");
  });

  it("after a refused confirmation, summarises again and confirms on the next yes", async () => {
    const model = polaris();
    const history = [
      ...SEED_INTERVIEW.map((text) => new HumanMessage(text)),
      new AIMessage({
        content: "",
        tool_calls: [{ name: "confirm_learning_goal", args: {}, id: "call_1", type: "tool_call" }],
      }),
      new ToolMessage({ tool_call_id: "call_1", content: "Refused: outcome is required." }),
    ];
    const afterRefusal = await model.invoke(history, withSession(session));
    expect(afterRefusal.tool_calls ?? []).toEqual([]);
    expect(afterRefusal.text).toMatch(/Does that capture it\?$/);

    const again = await model.invoke(
      [...history, afterRefusal, new HumanMessage("yes")],
      withSession(session),
    );
    expect(again.tool_calls?.[0]?.name).toBe("confirm_learning_goal");
  });

  it("does not confirm again once the goal is settled", async () => {
    const model = polaris();
    const history = [
      ...SEED_INTERVIEW.map((text) => new HumanMessage(text)),
      new ToolMessage({ tool_call_id: "call_1", content: "Learning goal confirmed." }),
    ];
    const reply = await model.invoke(history, withSession(session));
    expect(reply.tool_calls ?? []).toEqual([]);
    expect(reply.text).toContain("locked in");
  });

  it("never mentions tools or agents", async () => {
    const turns = await interview([...SEED_INTERVIEW.slice(0, 4), "No", "hello", "Tell me a joke"]);
    for (const { reply } of turns) {
      expect(reply.text).not.toMatch(/tool|agent|handover|confirm_learning_goal|curator/i);
    }
  });
});
