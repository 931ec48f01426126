import { Emitter } from "./emitter.js";
import {
  defaultWebSocket,
  OPEN,
  type OutgoingData,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./web-socket.js";

export interface ConnectionOptions {
  /** Default: the global `WebSocket` (browsers, Node 22+); in Node 20 pass the `ws` package's. */
  WebSocket?: WebSocketConstructor;
  /** Headers of the opening request (`Cookie`, `Origin`, `Authorization`); Node's `ws` only. */
  headers?: Record<string, string>;
}

/** A frame as it arrived: its text, and its JSON value (`undefined` when the text is not JSON). */
export interface IncomingFrame {
  data: string;
  json: unknown;
}

/** How the socket closed: the close frame's code and reason (1006 when there was none). */
export interface SocketClose {
  code: number;
  reason: string;
}

export interface RawSend {
  /** Which kind of frame to send; by default text for a string, binary for bytes. */
  binary?: boolean;
}

export interface ConnectionEvents {
  open: undefined;
  /** Every frame the server sent, in the order it sent them. */
  frame: IncomingFrame;
  /** Once, when the socket is gone, after its last frame. */
  close: SocketClose;
}

/**
 * One WebSocket, as it is: every frame in order, raw sends, and the close. No protocol, no
 * heartbeats, no reconnection: `CommanderClient` and `AllyClient` are built on it, opening a new
 * one for each attempt, and it is what a tool or a test uses to speak the protocol frame by frame.
 */
export class Connection extends Emitter<ConnectionEvents> {
  /** Resolves when the socket opens; rejects if it closes first (refused, unreachable). */
  readonly opened: Promise<void>;
  /** Resolves when the socket has closed, for whatever reason. */
  readonly closed: Promise<SocketClose>;
  private readonly socket: WebSocketLike;
  private closeValue: SocketClose | undefined;
  private failure = "";

  constructor(
    readonly url: string,
    options: ConnectionOptions = {},
  ) {
    super();
    const Socket = options.WebSocket ?? defaultWebSocket();
    const headers = options.headers;
    this.socket =
      headers && Object.keys(headers).length > 0
        ? new Socket(url, [], { headers })
        : new Socket(url);
    if ("binaryType" in this.socket) this.socket.binaryType = "arraybuffer";
    let opened = false;
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener("open", () => {
        opened = true;
        resolve();
        this.emit("open", undefined);
      });
      this.socket.addEventListener("close", ({ code, reason }) => {
        if (opened) return;
        const why = this.failure || reason || "closed before opening";
        reject(new Error(`Could not connect to ${redacted(url)}: ${why} (${code})`));
      });
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      this.socket.addEventListener("close", ({ code, reason }) => {
        this.closeValue = { code, reason: String(reason ?? "") };
        this.emit("close", this.closeValue);
        resolve(this.closeValue);
      });
    });
    this.socket.addEventListener("message", ({ data }) => this.emit("frame", incoming(data)));
    // An error is always followed by a close, which is where it is handled.
    this.socket.addEventListener("error", (event) => {
      const message = (event as { message?: unknown } | undefined)?.message;
      if (typeof message === "string") this.failure = message;
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === OPEN;
  }

  /** How the socket closed, once it has. */
  get closeInfo(): SocketClose | undefined {
    return this.closeValue;
  }

  /** Sends `frame` as JSON. Returns false, sending nothing, unless the socket is open. */
  send(frame: object): boolean {
    return this.sendRaw(JSON.stringify(frame));
  }

  /**
   * Sends `data` exactly as given, whether or not it is valid JSON or within the server's limits:
   * a string as a text frame, bytes as a binary frame. `binary` says otherwise: `true` sends a
   * string's UTF-8 as a binary frame; `false` sends bytes as a text frame, unchecked, so they need
   * not be UTF-8 (Node's `ws` only). Returns false, sending nothing, unless the socket is open.
   */
  sendRaw(data: OutgoingData, { binary = typeof data !== "string" }: RawSend = {}): boolean {
    if (!this.isOpen) return false;
    if (typeof data === "string") {
      this.socket.send(binary ? new TextEncoder().encode(data) : data);
    } else if (binary) {
      this.socket.send(data);
    } else {
      this.nodeOnly("send bytes as a text frame");
      this.socket.send(data, { binary: false });
    }
    return true;
  }

  /** Starts the closing handshake (or abandons the opening one); `closed` resolves when done. */
  close(code?: number, reason?: string): void {
    try {
      this.socket.close(code, reason);
    } catch {
      // Some implementations throw when closing a socket that is not open yet.
    }
  }

  /** Drops the connection without a closing handshake, as a failing network would. Node's `ws` only. */
  terminate(): void {
    this.nodeOnly("terminate").terminate!();
  }

  /** Stops reading the server's frames, so they back up on the server. Node's `ws` only. */
  pause(): void {
    this.nodeOnly("pause").pause!();
  }

  resume(): void {
    this.nodeOnly("resume").resume!();
  }

  /** The socket, if it is the `ws` package's (or offers as much); throws in a browser. */
  private nodeOnly(what: string): WebSocketLike {
    const { terminate, pause, resume } = this.socket;
    if (!terminate || !pause || !resume)
      throw new Error(`This WebSocket cannot ${what}: pass the ws package's, in Node`);
    return this.socket;
  }
}

function incoming(data: unknown): IncomingFrame {
  const text = typeof data === "string" ? data : new TextDecoder().decode(bytesOf(data));
  try {
    return { data: text, json: JSON.parse(text) as unknown };
  } catch {
    return { data: text, json: undefined };
  }
}

/** A binary frame's bytes (`binaryType` is set to `arraybuffer`; `ws` may still hand a Buffer). */
function bytesOf(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new TextEncoder().encode(String(data));
}

/** The URL without its token, for messages that may end up in a log. */
function redacted(url: string): string {
  return url.replace(/([?&]token=)[^&]*/, "$1…");
}
