import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import {
  learnerNameFrom,
  parseContextBlock,
  parseSessionContext,
} from "../../../graphs/models/scripted/context.js";

describe("session context", () => {
  it("reads every `- key: value` line after the heading, and nothing before it", () => {
    const prompt = [
      "## How you work",
      "- tone: ignored",
      "## Session context",
      "- learner_name: Ada",
      "- mission_title: Python: From First Steps",
      "-   checkpoint_number :  2  ",
      "not an entry",
      "- completed_checkpoints: none",
    ].join("\n");
    expect(parseContextBlock(prompt)).toEqual({
      learner_name: "Ada",
      mission_title: "Python: From First Steps",
      checkpoint_number: "2",
      completed_checkpoints: "none",
    });
  });

  it("stops at the next heading", () => {
    const prompt = "## Session context\n- topic: Rust\n## Notes\n- topic: overwritten";
    expect(parseContextBlock(prompt)).toEqual({ topic: "Rust" });
  });

  it("uses the system message that carries the block and tolerates any other messages", () => {
    const messages = [
      new SystemMessage("Summary of earlier turns."),
      new SystemMessage("Prompt\n## Session context\n- task: converse"),
      new HumanMessage("hi"),
      new AIMessage({ content: [{ type: "text", text: "## Session context\n- task: wrong" }] }),
    ];
    expect(parseSessionContext(messages)).toEqual({ task: "converse" });
    expect(parseSessionContext([new HumanMessage("## Session context\n- task: x")])).toEqual({});
  });

  it("treats placeholder learner names as no name", () => {
    expect(learnerNameFrom({ learner_name: "Ada" })).toBe("Ada");
    expect(learnerNameFrom({ learner_name: "there" })).toBeUndefined();
    expect(learnerNameFrom({})).toBeUndefined();
  });
});
