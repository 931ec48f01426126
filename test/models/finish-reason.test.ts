import { AIMessage } from "@langchain/core/messages";
import { EmptyReplyError, finishReasonOf, replyForLearner } from "../../graphs/models/index.js";

const reply = (content: string, finishReason?: string, toolCalls: AIMessage["tool_calls"] = []) =>
  new AIMessage({
    id: "run-1",
    content,
    tool_calls: toolCalls,
    response_metadata: finishReason ? { finishReason } : {},
    usage_metadata: { input_tokens: 10, output_tokens: 4, total_tokens: 14 },
  });

const CALL = { id: "c1", name: "start_checkpoint", args: {}, type: "tool_call" as const };

describe("replyForLearner", () => {
  it("passes a complete reply through unchanged", () => {
    for (const message of [reply("Hello!", "STOP"), reply("Hello!"), reply("", "STOP", [CALL])]) {
      expect(replyForLearner(message, "your goal")).toBe(message);
    }
  });

  it.each(["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION"])(
    "turns a %s refusal into a kind line that steers back",
    (reason) => {
      const answer = replyForLearner(reply("partial text", reason, [CALL]), "**Branching**");
      expect(answer.text).toBe("I can't help with that. Let's get back to **Branching**.");
      expect(answer.tool_calls).toEqual([]);
      expect(answer.id).toBe("run-1");
      expect(answer.usage_metadata?.total_tokens).toBe(14);
      expect(finishReasonOf(answer)).toBe(reason);
    },
  );

  it("keeps text cut off at MAX_TOKENS and offers to continue", () => {
    const answer = replyForLearner(reply("Commits record a snapshot of ", "MAX_TOKENS"), "x");
    expect(answer.text).toBe(
      "Commits record a snapshot of…\n\n_That ran longer than I can write in one go. Say “continue” and I'll pick up where I left off._",
    );
    expect(answer.id).toBe("run-1");
  });

  it("asks again when MAX_TOKENS left no text, but keeps a tool call that made it", () => {
    expect(replyForLearner(reply("", "MAX_TOKENS"), "x").text).toBe(
      "I ran out of room before I could answer that. Could you ask again, perhaps about a smaller piece of it?",
    );
    const call = reply("", "MAX_TOKENS", [CALL]);
    expect(replyForLearner(call, "x")).toBe(call);
  });

  it("fails the turn for any other finish without content", () => {
    expect(() => replyForLearner(reply("", "MALFORMED_FUNCTION_CALL"), "x")).toThrow(
      EmptyReplyError,
    );
    expect(() => replyForLearner(reply("  ", "OTHER"), "x")).toThrow(/OTHER and no content/);
    const text = reply("Here you go.", "OTHER");
    expect(replyForLearner(text, "x")).toBe(text);
  });
});
