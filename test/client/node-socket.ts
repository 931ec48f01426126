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
