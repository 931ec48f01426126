import Database from "better-sqlite3";
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph-checkpoint";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { deltaChannelHistoryTests } from "@langchain/langgraph-checkpoint-validation";
import { DeltaQuerySqliteSaver } from "../../store/sqlite/sqlite-saver.js";
import { buildDeltaChatGraph } from "../support/delta-chat-graph.js";
import { deltaChannelForkTests } from "./delta-history-forks.js";
import { describeTurnForks } from "./turn-forks.js";

const sqliteSaver = {
  checkpointerName: "learnforge DeltaQuerySqliteSaver",
  createCheckpointer: () => new DeltaQuerySqliteSaver(new Database(":memory:")),
};

// LangGraph's suite for getDeltaChannelHistory, run against the query-based override, and the
// sibling-fork cases it lacks.
deltaChannelHistoryTests(sqliteSaver);
deltaChannelForkTests(sqliteSaver);
// The fork cases hold for LangGraph's own ancestor walk too.
deltaChannelForkTests({
  checkpointerName: "MemorySaver",
  createCheckpointer: () => new MemorySaver(),
});
describeTurnForks(
  "DeltaQuerySqliteSaver",
  () => new DeltaQuerySqliteSaver(new Database(":memory:")),
);

describe("DeltaQuerySqliteSaver on a real thread", () => {
  it("rebuilds every checkpoint's messages exactly as the ancestor walk does, across snapshots and durabilities", async () => {
    const saver = new DeltaQuerySqliteSaver(new Database(":memory:"));
    const graph = buildDeltaChatGraph(saver, { snapshotFrequency: 4 });
    const config = { configurable: { thread_id: "t" } };
    for (let turn = 0; turn < 12; turn++) {
      const durability = turn % 3 === 0 ? "async" : "exit";
      await graph.invoke(
        { messages: [new HumanMessage(`turn ${turn}`)] },
        { ...config, durability },
      );
    }
    const checkpoints = [];
    for await (const tuple of saver.list(config)) checkpoints.push(tuple.config);
    expect(checkpoints.length).toBeGreaterThan(12);
    for (const target of checkpoints) {
      const options = { config: target, channels: ["messages"] };
      expect(await saver.getDeltaChannelHistory(options)).toEqual(
        await SqliteSaver.prototype.getDeltaChannelHistory.call(saver, options),
      );
    }
    const state = await graph.getState(config);
    expect(state.values.messages).toHaveLength(24);
    expect(state.values.turns).toBe(12);
  });
});
