import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import {
  EmptyReplyError,
  finishReasonOf,
  replyForLearner,
  wasRefused,
  type ReplyRules,
} from "../../graphs/models/index.js";

const reply = (
  content: AIMessage["content"],
  finishReason?: string,
  toolCalls: AIMessage["tool_calls"] = [],
) =>
  new AIMessage({
    id: "run-1",
    content,
    tool_calls: toolCalls,
    response_metadata: finishReason ? { finishReason } : {},
    usage_metadata: { input_tokens: 10, output_tokens: 4, total_tokens: 14 },
  });

const call = (name: string, id: string) => ({ id, name, args: {}, type: "tool_call" as const });
const START = call("start_checkpoint", "c1");
const RULES: ReplyRules = { backTo: "**Branching**", tools: ["start_checkpoint"] };

/** The reply a fake model gives after answering with `answers` in turn, and how often it was asked. */
async function ask(answers: AIMessage[], rules = RULES) {
  const model = fakeModel();
  for (const answer of answers) model.respond(answer);
  const result = await replyForLearner(model, [new HumanMessage("hi")], {}, rules);
  return { result, calls: model.callCount };
}

describe("replyForLearner", () => {
  it("keeps a complete reply, its id, usage and finish reason, with text as one string", async () => {
    const { result, calls } = await ask([
      reply(
        [
          { type: "text", text: "Hello!" },
          { type: "text", text: "" },
        ],
        "STOP",
      ),
    ]);
    expect(calls).toBe(1);
    expect(result.content).toBe("Hello!");
    expect(result.id).toBe("run-1");
    expect(result.usage_metadata?.total_tokens).toBe(14);
    expect(finishReasonOf(result)).toBe("STOP");
  });

  it("keeps a call the node runs without text, and stores no text part for it", async () => {
    const { result } = await ask([reply([{ type: "text", text: "" }], "STOP", [START])]);
    expect(result.content).toBe("");
    expect(result.tool_calls).toEqual([START]);
  });

  it("keeps both the text and the call of a reply that has both", async () => {
    const { result } = await ask([reply("Let's start.", "STOP", [START])]);
    expect(result.text).toBe("Let's start.");
    expect(result.tool_calls).toEqual([START]);
  });

  it("keeps only the first call the node runs of parallel calls", async () => {
    const { result } = await ask([
      reply("", "STOP", [call("search", "c0"), START, call("start_checkpoint", "c2")]),
    ]);
    expect(result.tool_calls).toEqual([START]);
  });

  it("asks once more after an empty reply, and fails the turn after two", async () => {
    const recovered = await ask([reply("", "STOP"), reply("Here you go.", "STOP")]);
    expect(recovered.calls).toBe(2);
    expect(recovered.result.text).toBe("Here you go.");

    await expect(
      ask([reply([{ type: "text", text: "" }], "STOP"), reply("", "STOP")]),
    ).rejects.toThrow(EmptyReplyError);
    // A call to a tool the node does not run is no reply either.
    await expect(
      ask([reply("", "STOP", [call("search", "c0")]), reply(" ", "OTHER")]),
    ).rejects.toThrow(/OTHER and no content/);
  });

  it("asks again after MALFORMED_FUNCTION_CALL, and fails the turn if it happens twice", async () => {
    const recovered = await ask([reply("", "MALFORMED_FUNCTION_CALL"), reply("", "STOP", [START])]);
    expect(recovered.calls).toBe(2);
    expect(recovered.result.tool_calls).toEqual([START]);
    await expect(
      ask([reply("", "MALFORMED_FUNCTION_CALL"), reply("", "MALFORMED_FUNCTION_CALL")]),
    ).rejects.toThrow(/MALFORMED_FUNCTION_CALL and no content/);
  });

  it.each(["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII"])(
    "turns a %s refusal into a kind line that steers back, without its calls",
    async (reason) => {
      const { result, calls } = await ask([reply("partial text", reason, [START])]);
      expect(calls).toBe(1);
      expect(result.text).toBe("I can't help with that. Let's get back to **Branching**.");
      expect(result.tool_calls).toEqual([]);
      expect(result.id).toBe("run-1");
      expect(finishReasonOf(result)).toBe(reason);
      expect(wasRefused(result)).toBe(true);
    },
  );

  it("asks again after RECITATION, and then says it cannot put that in its own words", async () => {
    const recovered = await ask([reply("Copied te", "RECITATION"), reply("My own words.", "STOP")]);
    expect(recovered.result.text).toBe("My own words.");
    expect(wasRefused(recovered.result)).toBe(false);

    const { result, calls } = await ask([
      reply("Copied te", "RECITATION"),
      reply("", "RECITATION", [START]),
    ]);
    expect(calls).toBe(2);
    expect(result.text).toMatch(/^I can't put that in my own words/);
    expect(result.tool_calls).toEqual([]);
    expect(wasRefused(result)).toBe(true);
  });

  it("keeps text cut off at MAX_TOKENS and offers to continue", async () => {
    const { result } = await ask([reply("Commits record a snapshot of ", "MAX_TOKENS")]);
    expect(result.text).toBe(
      "Commits record a snapshot of…\n\n_That ran longer than I can write in one go. Say “continue” and I'll pick up where I left off._",
    );
    expect(result.id).toBe("run-1");
  });

  it("asks the learner again when MAX_TOKENS left no text, but keeps a call that made it", async () => {
    expect((await ask([reply("", "MAX_TOKENS")])).result.text).toBe(
      "I ran out of room before I could answer that. Could you ask again, perhaps about a smaller piece of it?",
    );
    const kept = (await ask([reply("", "MAX_TOKENS", [START])])).result;
    expect(kept.tool_calls).toEqual([START]);
    expect(kept.content).toBe("");
  });
});
