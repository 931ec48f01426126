import { randomUUID } from "node:crypto";
import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { TURN_ID } from "../../store/index.js";
import { buildDeltaChatGraph, type DeltaChatGraph } from "../support/delta-chat-graph.js";

const texts = (messages: BaseMessage[]) => messages.map((m) => m.text.replace(/:.*/, ""));

function turn(graph: DeltaChatGraph, threadId: string, text: string, turnId: string) {
  return graph.invoke(
    { messages: [new HumanMessage({ id: randomUUID(), content: text })] },
    { configurable: { thread_id: threadId, [TURN_ID]: turnId }, durability: "exit" },
  );
}

/** Holds back every checkpoint and write of one turn until released; `reached` once one waits. */
function holdingTurn(saver: BaseCheckpointSaver, held: string) {
  let release!: () => void;
  let reach!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const holds = (config: { configurable?: Record<string, unknown> }) =>
    config.configurable?.[TURN_ID] === held;
  const proxy = new Proxy(saver, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      if (key !== "put" && key !== "putWrites") return value.bind(target);
      return async (config: { configurable?: Record<string, unknown> }, ...rest: unknown[]) => {
        if (holds(config)) {
          reach();
          await released;
        }
        return value.call(target, config, ...rest);
      };
    },
  });
  return { saver: proxy, release, reached };
}

/**
 * Turns that start from the same checkpoint, as a turn and the undo of it do: each branch keeps its
 * own messages, on the saver `create` makes, because checkpoints and writes carry their turn.
 */
export function describeTurnForks(name: string, create: () => BaseCheckpointSaver): void {
  describe(`${name}: branches of one checkpoint`, () => {
    it("two turns from one checkpoint each keep only their own messages", async () => {
      const saver = create();
      const graph = buildDeltaChatGraph(saver);
      await turn(graph, "t", "one", "turn-1");
      const start = await saver.getTuple({ configurable: { thread_id: "t" } });

      await Promise.all([turn(graph, "t", "A", "turn-a"), turn(graph, "t", "B", "turn-b")]);
      const siblings = [];
      for await (const tuple of saver.list({ configurable: { thread_id: "t" } })) {
        const parent = tuple.parentConfig?.configurable?.checkpoint_id;
        if (parent === start?.config.configurable?.checkpoint_id) siblings.push(tuple.config);
      }

      expect(siblings).toHaveLength(2);
      const states = await Promise.all(siblings.map((config) => graph.getState(config)));
      expect(states.map((s) => texts(s.values.messages as BaseMessage[])).sort()).toEqual([
        ["one", "Reply 1", "A", "Reply 2"],
        ["one", "Reply 1", "B", "Reply 2"],
      ]);
    });

    it("an undo made before the failed turn's writes land leaves no trace of that turn", async () => {
      const { saver, release, reached } = holdingTurn(create(), "turn-2");
      const graph = buildDeltaChatGraph(saver);
      const thread = { configurable: { thread_id: "t" } };
      await turn(graph, "t", "one", "turn-1");
      const before = (await saver.getTuple(thread))!.config;

      // The turn ran, but its exit checkpoint and writes are still on their way to the store.
      const late = turn(graph, "t", "lost", "turn-2");
      await reached;
      await graph.updateState(
        { configurable: { ...before.configurable, [TURN_ID]: "turn-2/undo" } },
        null,
      );
      release();
      await late;

      const state = await graph.getState(thread);
      expect(texts(state.values.messages as BaseMessage[])).toEqual(["one", "Reply 1"]);
      await turn(graph, "t", "two", "turn-3");
      const after = await graph.getState(thread);
      expect(texts(after.values.messages as BaseMessage[])).toEqual([
        "one",
        "Reply 1",
        "two",
        "Reply 2",
      ]);
      expect(after.values.turns).toBe(2);
    });
  });
}
