// The in-process anchor: the product's graphs, on the product's SQLite store, called with plain
// `graph.invoke` in a process of their own, one turn per call, with the server's durability. The
// bench sends it conversations over IPC and reads its CPU from /proc while they run.
import { HumanMessage } from "@langchain/core/messages";
import type { AllyContext, CommanderContext } from "../../domain/index.js";
import { buildGraphs, createModelFactory } from "../../graphs/index.js";
import { openSqliteStore } from "../../store/index.js";
import { runClients, type TurnOutcome, type TurnTally } from "../clients/turn-tally.js";

export type GraphConversation = { threadId: string; lines: string[] } & (
  { agent: "commander"; context: CommanderContext } | { agent: "ally"; context: AllyContext }
);

export interface GraphRunRequest {
  /** Per client, its conversations in order; clients run at once. */
  clients: GraphConversation[][];
  turns: number;
}

export type GraphRunReply = Pick<TurnTally, "turns" | "failures" | "latenciesMs">;

const path = process.env.BENCH_SQLITE_PATH;
if (!path) throw new Error("BENCH_SQLITE_PATH is required");
const store = openSqliteStore({ path });
const graphs = buildGraphs(
  createModelFactory({ defaultModel: "gemini-2.5-flash", perAgentModel: {} }),
  store,
);

async function turn(conversation: GraphConversation, index: number): Promise<TurnOutcome> {
  const started = performance.now();
  const input = {
    messages: [new HumanMessage({ id: crypto.randomUUID(), content: conversation.lines[index]! })],
  };
  const options = {
    configurable: { thread_id: conversation.threadId },
    durability: "exit" as const,
  };
  try {
    if (conversation.agent === "commander")
      await graphs.commander.invoke(input, { ...options, context: conversation.context });
    else await graphs.ally.invoke(input, { ...options, context: conversation.context });
    return { ms: performance.now() - started };
  } catch (err) {
    return { ms: performance.now() - started, failure: `error: ${(err as Error).message}` };
  }
}

process.on("message", (request: GraphRunRequest) => {
  runClients(request.clients, request.turns, turn)
    .then(({ turns, failures, latenciesMs }) => {
      const reply: GraphRunReply = { turns, failures, latenciesMs };
      process.send?.(reply);
    })
    .catch((err: unknown) => process.send?.({ error: String(err) }));
});
process.stderr.write(`${JSON.stringify({ msg: "ready" })}\n`);
