import {
  AIMessage,
  HumanMessage,
  ToolMessage,
  type AIMessageChunk,
  type BaseMessage,
} from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import {
  TEACHING,
  askQuestion,
  markCheckpointComplete,
  scripted,
  withSession,
} from "./fixtures.js";

const TITLE = "Core building blocks of Python for data analysis";
const baseContext = {
  ...TEACHING,
  learner_name: "Ada",
  learner_level: "Beginner",
  learning_style: ["examples"],
  mission_title: "Python for data analysis: From First Steps to Confident Practice",
  checkpoint_number: 2,
  checkpoint_total: 5,
  checkpoint_title: TITLE,
};

/** What came before this checkpoint's teaching began: it must not count as answers. */
const beforeTeaching: BaseMessage[] = [
  new HumanMessage("I'm not sure"),
  new AIMessage("Here's checkpoint 2 ..."),
  new HumanMessage("Sounds good"),
  new AIMessage({
    content: "Wonderful — let's dive in.",
    tool_calls: [{ name: "start_checkpoint", args: {}, id: "call_start", type: "tool_call" }],
  }),
  new ToolMessage({ tool_call_id: "call_start", content: "Teaching begins." }),
];

/** Plays the learner's answers through the sensei, returning every reply from n = 0 on. */
async function teach(
  answers: readonly string[],
  context: Partial<typeof baseContext> = {},
): Promise<AIMessageChunk[]> {
  const model = scripted("mission_sensei").bindTools([markCheckpointComplete, askQuestion]);
  const history: BaseMessage[] = [...beforeTeaching];
  const replies: AIMessageChunk[] = [];
  for (let turns = 0; turns <= answers.length; turns += 1) {
    const session = { ...baseContext, ...context, learner_turns_in_checkpoint: turns };
    const reply = await model.invoke(history, withSession(session));
    replies.push(reply);
    history.push(reply);
    const answer = answers[turns];
    if (answer !== undefined) history.push(new HumanMessage(answer));
  }
  return replies;
}

const toolCalls = (reply: AIMessageChunk) => reply.tool_calls ?? [];
/** The question a reply records, if it records one. */
const recorded = (reply: AIMessageChunk | undefined) =>
  reply?.tool_calls?.find((c) => c.name === "ask_question")?.args.question as string | undefined;

describe("sensei script", () => {
  it("walks a checkpoint: concept 1, re-explanation, concept 2, recap, completion", async () => {
    const [start, unsure, concept2, recap, done] = await teach([
      "I'm not sure",
      "Building blocks are the small pieces you combine, like variables",
      "I'd load a small CSV and count the rows",
      "I feel pretty confident",
    ]);

    expect(start?.text).toMatch(/^Let's get started with \*\*Core building blocks/);
    expect(start?.text).toContain(`### Concept 1: ${TITLE}`);
    expect(start?.text).toContain("**Example:**");
    expect(start?.text).not.toContain("Concept 2");
    expect(start?.text.trimEnd()).toMatch(/\?$/);

    expect(unsure?.text).toMatch(/another way|exactly where learning happens/);
    expect(unsure?.text).not.toContain("### Concept");
    expect(unsure?.text).toContain("Can you name one word or idea");

    expect(concept2?.text).toContain(`### Concept 2: ${TITLE}`);
    expect(concept2?.text).toMatch(/^(Good thinking!|Nicely put!|That's a solid answer\.)/);

    expect(recap?.text).toContain("**Quick recap**");
    expect(recap?.text.match(/^- /gm)).toHaveLength(3);
    expect(recap?.text.trimEnd()).toMatch(
      new RegExp(`How confident do you feel about ${TITLE} now\\?$`),
    );

    // Every comprehension question is recorded, word for word as the learner reads it; the
    // confidence check-in is not one.
    for (const reply of [start, unsure, concept2]) {
      expect(reply && toolCalls(reply).map((c) => c.name)).toEqual(["ask_question"]);
      expect(reply?.text.trimEnd().endsWith(recorded(reply)!)).toBe(true);
      expect(reply?.text).not.toMatch(/do you understand\?/i);
    }
    expect(recorded(unsure)).toMatch(/^Can you name one word or idea/);
    expect(recap && toolCalls(recap)).toEqual([]);
    expect(done && toolCalls(done)).toHaveLength(1);
    expect(done && toolCalls(done)[0]).toMatchObject({
      name: "mark_checkpoint_complete",
      args: {},
    });
    expect(done?.text).toContain("Ada");
  });

  it("teaches a third concept to Advanced learners", async () => {
    const replies = await teach(["answer one", "answer two"], { learner_level: "Advanced" });
    expect(replies[2]?.text).toContain(`### Concept 3: ${TITLE}`);
  });

  it("uses the learner's styles concept by concept", async () => {
    const [first, second] = await teach(["It names a value"], {
      learning_style: ["visual", "hands-on"],
    });
    expect(first?.text).toContain("**Picture it:**");
    expect(second?.text).toContain("**Try it:**");
  });

  it("re-explains the weakest point and asks again when the learner is not confident", async () => {
    const replies = await teach([
      "It names a value",
      "It repeats the steps",
      "not really",
      "yes, confident now",
    ]);
    const unconfident = replies[3];
    expect(unconfident && toolCalls(unconfident)).toEqual([]);
    expect(unconfident?.text).not.toMatch(/as soon as you've shown/);
    expect(unconfident?.text).toMatch(/How confident do you feel about .* now\?$/);
    expect(replies[4] && toolCalls(replies[4])[0]?.name).toBe("mark_checkpoint_complete");
  });

  it.each(["mark everything complete", "Just complete it", "skip", "Mark it complete please"])(
    "never completes on request (%s), at any point",
    async (request) => {
      const answers = ["It names a value", "It repeats the steps"];
      for (let at = 0; at <= answers.length; at += 1) {
        const withRequest = [...answers.slice(0, at), request];
        const replies = await teach(withRequest);
        const reply = replies.at(-1)!;
        expect(toolCalls(reply).map((c) => c.name)).not.toContain("mark_checkpoint_complete");
        expect(reply.text).toContain("as soon as you've shown you've got it");
        expect(reply.text.trimEnd()).toMatch(/\?$/);
      }
    },
  );

  it("completes when a confident learner also asks to mark it complete, but not for everything", async () => {
    const answers = ["It names a value", "It repeats the steps"];
    const confident = await teach([...answers, "Yes, I'm confident, mark it complete"]);
    expect(toolCalls(confident.at(-1)!)[0]?.args).toEqual({});
    const bulk = await teach([...answers, "I'm confident, mark everything complete"]);
    expect(toolCalls(bulk.at(-1)!)).toEqual([]);
  });

  it("keeps teaching after a refused completion, then completes once the learner answers", async () => {
    const model = scripted("mission_sensei").bindTools([markCheckpointComplete, askQuestion]);
    const answers = ["It names a value", "It repeats the steps", "very confident"];
    const history: BaseMessage[] = [
      ...beforeTeaching,
      new AIMessage("### Concept 1 ..."),
      ...answers.flatMap((answer) => [new HumanMessage(answer), new AIMessage("...")]),
    ];
    history.pop();
    history.push(
      new AIMessage({
        content: "Fantastic work!",
        tool_calls: [
          {
            name: "mark_checkpoint_complete",
            args: {},
            id: "c1",
            type: "tool_call",
          },
        ],
      }),
      new ToolMessage({
        tool_call_id: "c1",
        content: "Refused: the learner has not answered yet.",
      }),
    );
    const context = { ...baseContext, learner_turns_in_checkpoint: answers.length };
    const afterRefusal = await model.invoke(history, withSession(context));
    expect(recorded(afterRefusal)).toMatch(/^How would you explain the most important idea/);
    expect(afterRefusal.text).toMatch(/\?$/);

    history.push(afterRefusal, new HumanMessage("The key idea is combining small pieces"));
    const confidence = await model.invoke(
      history,
      withSession({ ...context, learner_turns_in_checkpoint: answers.length + 1 }),
    );
    expect(confidence.text).toMatch(/How confident do you feel/);
    history.push(confidence, new HumanMessage("confident"));
    const done = await model.invoke(
      history,
      withSession({ ...context, learner_turns_in_checkpoint: answers.length + 2 }),
    );
    expect(toolCalls(done)[0]?.args).toEqual({});
  });
});
