import {
  AIMessage,
  HumanMessage,
  RemoveMessage,
  ToolMessage,
  type BaseMessage,
} from "@langchain/core/messages";
import { conversationRepairs } from "../../graphs/conversation-repair.js";

const human = (id: string, text: string) => new HumanMessage({ id, content: text });
const call = (id: string) => ({
  id,
  name: "start_checkpoint",
  args: {},
  type: "tool_call" as const,
});

describe("conversationRepairs", () => {
  it("leaves a sound conversation alone", () => {
    const sound: BaseMessage[] = [
      human("h1", "Hi"),
      new AIMessage({ id: "a1", content: "Hello! Does that fit?" }),
      human("h2", "Yes"),
      new AIMessage({ id: "a2", content: "", tool_calls: [call("c1")] }),
      new ToolMessage({ id: "t1", tool_call_id: "c1", content: "Teaching begins." }),
    ];
    expect(conversationRepairs(sound)).toEqual([]);
  });

  it("removes an empty reply, whether its content is a string or an empty text part", () => {
    const repairs = conversationRepairs([
      human("h1", "Hi"),
      new AIMessage({ id: "a1", content: [{ type: "text", text: "" }] }),
      human("h2", "Hello?"),
      new AIMessage({ id: "a2", content: "  " }),
    ]);
    expect(repairs.map((m) => [RemoveMessage.isInstance(m), m.id])).toEqual([
      [true, "a1"],
      [true, "a2"],
    ]);
  });

  it("rewrites a reply with an empty text part as one string, keeping its answered call", () => {
    const [repaired] = conversationRepairs([
      human("h1", "Yes"),
      new AIMessage({
        id: "a1",
        content: [
          { type: "text", text: "Let's start." },
          { type: "text", text: "" },
        ],
        tool_calls: [call("c1")],
        response_metadata: { finishReason: "STOP" },
      }),
      new ToolMessage({ id: "t1", tool_call_id: "c1", content: "Teaching begins." }),
    ]);
    expect(repaired).toBeInstanceOf(AIMessage);
    expect(repaired).toMatchObject({
      id: "a1",
      content: "Let's start.",
      tool_calls: [call("c1")],
      response_metadata: { finishReason: "STOP" },
    });
  });

  it("drops calls nobody answered, and removes a reply left with nothing", () => {
    const repairs = conversationRepairs([
      human("h1", "Yes"),
      new AIMessage({ id: "a1", content: "On it.", tool_calls: [call("c1"), call("c2")] }),
      new ToolMessage({ id: "t1", tool_call_id: "c1", content: "Teaching begins." }),
      human("h2", "Hello?"),
      new AIMessage({ id: "a2", content: "", tool_calls: [call("c3")] }),
    ]);
    expect(repairs[0]).toMatchObject({ id: "a1", content: "On it.", tool_calls: [call("c1")] });
    expect(RemoveMessage.isInstance(repairs[1]!)).toBe(true);
    expect(repairs[1]!.id).toBe("a2");
  });
});
