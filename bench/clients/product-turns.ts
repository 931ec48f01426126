import type { ProductServer } from "../targets/product-server.js";
import type { AgentName } from "./agent-socket.js";
import { openConversation } from "./conversation.js";
import { range, runClients, type PreparedTurns, type WorkloadShape } from "./turn-tally.js";

let batch = 0;

/**
 * Learners on the product's sockets. Every conversation gets its own interview session (Commander)
 * or mission enrollment (Ally), and its socket is connected before the turns start, so the timed
 * part holds turns only.
 */
export async function prepareProductTurns(
  server: ProductServer,
  agent: AgentName,
  shape: WorkloadShape,
  line: (turn: number) => string,
): Promise<PreparedTurns> {
  batch += 1;
  const clients = await Promise.all(
    range(shape.clients).map(async (client) => {
      const learner = await server.api.login(`bench-${agent}-${batch}-${client}@example.com`);
      const sockets = [];
      while (sockets.length < shape.conversationsPerClient)
        sockets.push((await openConversation(server, agent, learner)).socket);
      return sockets;
    }),
  );
  return {
    run: () =>
      runClients(clients, shape.turnsPerConversation, async (socket, turn) => {
        const result = await socket.turn(line(turn));
        const over = result.finished || result.failure?.startsWith("closed") === true;
        return { ...result, over };
      }),
    cleanup: async () => {
      await Promise.all(clients.flat().map((socket) => socket.close()));
    },
  };
}
