/** What can go out in a frame: text, or bytes (sent as a binary frame). */
export type OutgoingData = string | ArrayBuffer | ArrayBufferView;

/**
 * The part of the WebSocket API the client uses. Browsers' `WebSocket` and the `ws` package both
 * provide it (Node 20 has no global WebSocket without a flag, so pass `ws` there). The optional
 * members are the `ws` package's: browsers can neither drop a connection without closing it, nor
 * stop reading, nor send bytes that are not UTF-8 as text.
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType?: "arraybuffer" | "blob" | "nodebuffer" | "fragments";
  addEventListener(type: "open", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: "close",
    listener: (event: { code: number; reason: string }) => void,
  ): void;
  addEventListener(type: "error", listener: (event: unknown) => void): void;
  /** `ws` also takes `{ binary }`, to send bytes as a text frame; browsers ignore it. */
  send(data: OutgoingData, options?: { binary?: boolean }): void;
  close(code?: number, reason?: string): void;
  /** Destroys the connection at once, without a closing handshake. */
  terminate?(): void;
  /** Stops reading from the network, so the server's frames back up. */
  pause?(): void;
  resume?(): void;
}

/** `new WebSocket(url, protocols, options)`: `ws` takes `{ headers }` as options; browsers ignore it. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

export const OPEN = 1;

export function defaultWebSocket(): WebSocketConstructor {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!global) {
    throw new Error(
      "No global WebSocket here (Node 20 needs --experimental-websocket): pass one, e.g. { WebSocket } from the ws package",
    );
  }
  return global;
}
