import { getEventListeners } from "node:events";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { END, MessagesDeltaValue, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { streamTurn, type TurnEvent } from "../../server/ws/stream-turn.js";

let failing = false;
const State = new StateSchema({ messages: MessagesDeltaValue });
const graph = new StateGraph(State)
  .addNode("speak", () => ({
    messages: [new AIMessage({ id: crypto.randomUUID(), content: "hi" })],
  }))
  .addNode("check", () => {
    if (failing) throw new Error("model endpoint unavailable");
    return {};
  })
  .addEdge(START, "speak")
  .addEdge("speak", "check")
  .addEdge("check", END)
  .compile({ checkpointer: SqliteSaver.fromConnString(":memory:") });

async function turn(threadId: string, text: string, signal?: AbortSignal): Promise<TurnEvent[]> {
  const events: TurnEvent[] = [];
  const input = { messages: [new HumanMessage({ id: crypto.randomUUID(), content: text })] };
  const config = { configurable: { thread_id: threadId }, signal };
  const options = { agentOf: () => "polaris", startingAgent: "polaris", tokens: false };
  for await (const event of streamTurn(graph, input, config, options)) events.push(event);
  return events;
}

const texts = async (threadId: string) =>
  (await graph.getState({ configurable: { thread_id: threadId } })).values.messages?.map(
    (m: { text: string }) => m.text,
  ) ?? [];

afterEach(() => {
  failing = false;
});

describe("a turn", () => {
  it("yields the agent's message once", async () => {
    expect(await turn("t1", "hello")).toEqual([
      { kind: "message", id: expect.any(String), agent: "polaris", text: "hi" },
    ]);
  });

  it("that fails leaves the thread as it was, so resending does not duplicate the message", async () => {
    await turn("t2", "one");
    failing = true;
    await expect(turn("t2", "two")).rejects.toThrow("model endpoint unavailable");
    expect(await texts("t2")).toEqual(["one", "hi"]);
    failing = false;
    await turn("t2", "two");
    expect(await texts("t2")).toEqual(["one", "hi", "two", "hi"]);
  });

  it("that fails as the first turn leaves no thread behind", async () => {
    failing = true;
    await expect(turn("t3", "first")).rejects.toThrow();
    expect(await texts("t3")).toEqual([]);
  });

  it("leaves no listener on the caller's long-lived signal", async () => {
    const socketLifetime = new AbortController();
    for (let i = 0; i < 15; i++) await turn("t4", `message ${i}`, socketLifetime.signal);
    expect(getEventListeners(socketLifetime.signal, "abort")).toHaveLength(0);
  });

  it("is aborted when the caller's signal is", async () => {
    const socketLifetime = new AbortController();
    socketLifetime.abort(new Error("shutting down"));
    await expect(turn("t5", "hello", socketLifetime.signal)).rejects.toThrow();
    expect(await texts("t5")).toEqual([]);
  });
});
