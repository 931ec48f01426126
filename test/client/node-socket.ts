import WebSocket from "ws";
import type { WebSocketConstructor } from "../../client/index.js";

/** The `ws` package as the client's WebSocket, counting the connections it opens. */
export function countingWebSocket(): { WebSocket: WebSocketConstructor; opened: string[] } {
  const opened: string[] = [];
  class Counting extends WebSocket {
    constructor(url: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
      super(url, protocols, options);
      opened.push(url);
    }
  }
  return { WebSocket: Counting, opened };
}

/** Resolves once `check` holds, polling briefly; fails after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A free port outside the ephemeral range. A client retrying a port in that range while nothing
 * listens can be handed that very port as its own source port and connect to itself, which keeps
 * a restarted server from binding it again.
 */
export async function fixedFreePort(): Promise<number> {
  const { createServer } = await import("node:net");
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
