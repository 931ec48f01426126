import { getEventListeners } from "node:events";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { END, MessagesDeltaValue, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import Database from "better-sqlite3";
import { streamTurn, type TurnEvent } from "../../server/ws/stream-turn.js";

let failing = false;
/** While set, the `check` node waits until the turn is aborted. */
let hanging: (() => void) | undefined;
/** Checkpoints reach the store this much later than LangGraph asks for them. */
let putDelayMs = 0;

class SlowSaver extends SqliteSaver {
  private readonly landing = new Set<Promise<unknown>>();

  override put(...args: Parameters<SqliteSaver["put"]>) {
    const put = new Promise((resolve) => setTimeout(resolve, putDelayMs)).then(() =>
      super.put(...args),
    );
    this.landing.add(put);
    void put.catch(() => {}).finally(() => this.landing.delete(put));
    return put;
  }

  /** Resolves once every checkpoint asked for so far has landed (or failed to). */
  async landed(): Promise<void> {
    while (this.landing.size > 0) await Promise.allSettled([...this.landing]);
  }
}

const saver = new SlowSaver(new Database(":memory:"));

const State = new StateSchema({ messages: MessagesDeltaValue });
const graph = new StateGraph(State)
  .addNode("speak", () => ({
    messages: [new AIMessage({ id: crypto.randomUUID(), content: "hi" })],
  }))
  .addNode("check", async (_state, config) => {
    if (failing) throw new Error("model endpoint unavailable");
    if (hanging) {
      hanging();
      await new Promise((_, reject) =>
        config.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    }
    return {};
  })
  .addEdge(START, "speak")
  .addEdge("speak", "check")
  .addEdge("check", END)
  .compile({ checkpointer: saver });

async function turn(
  threadId: string,
  text: string,
  signal?: AbortSignal,
  onEvent: (event: TurnEvent) => void = () => {},
): Promise<TurnEvent[]> {
  const events: TurnEvent[] = [];
  const input = { messages: [new HumanMessage({ id: crypto.randomUUID(), content: text })] };
  const config = { configurable: { thread_id: threadId, turn_id: crypto.randomUUID() }, signal };
  const options = { agentOf: () => "polaris", startingAgent: "polaris", tokens: false };
  for await (const event of streamTurn(graph, input, config, options)) {
    events.push(event);
    onEvent(event);
  }
  return events;
}

const texts = async (threadId: string) =>
  (await graph.getState({ configurable: { thread_id: threadId } })).values.messages?.map(
    (m: { text: string }) => m.text,
  ) ?? [];

afterEach(() => {
  failing = false;
  hanging = undefined;
  putDelayMs = 0;
});

describe("a turn", () => {
  it("yields the agent's message once, with its node, then the end", async () => {
    expect(await turn("t1", "hello")).toEqual([
      { kind: "message", id: expect.any(String), agent: "polaris", node: "speak", text: "hi" },
      { kind: "end" },
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

  it("aborted midway is undone after its last checkpoint lands, however late", async () => {
    await turn("t6", "one");
    putDelayMs = 100;
    const socketLifetime = new AbortController();
    const reached = new Promise<void>((resolve) => (hanging = resolve));
    const aborted = turn("t6", "two", socketLifetime.signal);
    await reached;
    socketLifetime.abort(new Error("shutting down"));
    await expect(aborted).rejects.toThrow();
    // Every write the aborted run asked for has landed, however late.
    await saver.landed();

    expect(await texts("t6")).toEqual(["one", "hi"]);
    hanging = undefined;
    putDelayMs = 0;
    await turn("t6", "three");
    expect(await texts("t6")).toEqual(["one", "hi", "three", "hi"]);
  });

  it("is undone when its caller gives up on it, even at the end", async () => {
    await turn("t7", "one");
    const refuse = (event: TurnEvent) => {
      if (event.kind === "end") throw new Error("the reply could not be saved");
    };
    await expect(turn("t7", "two", undefined, refuse)).rejects.toThrow("could not be saved");
    expect(await texts("t7")).toEqual(["one", "hi"]);
  });

  it("is aborted when the caller's signal is", async () => {
    const socketLifetime = new AbortController();
    socketLifetime.abort(new Error("shutting down"));
    await expect(turn("t5", "hello", socketLifetime.signal)).rejects.toThrow();
    expect(await texts("t5")).toEqual([]);
  });
});
