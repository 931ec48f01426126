import WebSocket from "ws";
import { Connection, type RawSend, type SocketClose } from "../../client/index.js";

export type Frame = { type: string } & Record<string, unknown>;

export interface TestSocketOptions {
  /** Headers of the opening request (`Cookie`, `Authorization`, …). */
  headers?: Record<string, string>;
  /** The `Origin` the opening request names, as a page on that origin would. */
  origin?: string;
}

/**
 * A socket for tests that speak the protocol frame by frame: the client library's `Connection`
 * (over the `ws` package), recording every frame and the close, with helpers to await them. It
 * sends whatever it is given, malformed or not, and never reconnects.
 */
export class TestSocket {
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
  closeReason = "";
  readonly connection: Connection;
  readonly opened: Promise<void>;
  readonly closed: Promise<SocketClose>;
  private hasOpened = false;
  private waiters: (() => void)[] = [];

  constructor(url: string, options: TestSocketOptions = {}) {
    const headers = { ...options.headers, ...(options.origin ? { Origin: options.origin } : {}) };
    this.connection = new Connection(url, { WebSocket, headers });
    this.opened = this.connection.opened;
    this.closed = this.connection.closed;
    this.connection.on("open", () => (this.hasOpened = true));
    this.connection.on("frame", ({ data, json }) => {
      this.frames.push(isFrame(json) ? json : { type: "(not a JSON frame)", data });
      this.notify();
    });
    this.connection.on("close", ({ code, reason }) => {
      this.closeCode = code;
      this.closeReason = reason;
      this.notify();
    });
  }

  /** Sends a frame as JSON, or a string as it is. */
  send(frame: unknown): void {
    this.sendRaw(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /**
   * Sends text as a text frame and a Buffer as a binary frame, unchecked; `{ binary: false }`
   * sends a Buffer as a text frame, UTF-8 or not.
   */
  sendRaw(data: string | Buffer, options?: RawSend): void {
    // Once closed, a send goes nowhere, as on any WebSocket; before opening, it is a test's mistake.
    if (!this.connection.sendRaw(data, options) && !this.hasOpened && this.closeCode === undefined)
      throw new Error("The socket is not open yet: await `opened` or a frame first");
  }

  close(): void {
    this.connection.close();
  }

  /** Drops the connection without a closing handshake. */
  terminate(): void {
    this.connection.terminate();
  }

  /** Stops reading, so the server's frames back up. */
  pause(): void {
    this.connection.pause();
  }

  /** Waits until `count` frames have arrived (or the socket closed), then returns them all. */
  async waitForFrames(count: number, timeoutMs = 10_000): Promise<Frame[]> {
    await this.until(() => this.frames.length >= count || this.closeCode !== undefined, timeoutMs);
    return this.frames;
  }

  /** Sends a Commander learner message and resolves with the first frame that follows it. */
  async reply(content: string, timeoutMs = 10_000): Promise<Frame> {
    const from = this.frames.length;
    this.send({ type: "user_message", content });
    const frame = (await this.waitForFrames(from + 1, timeoutMs))[from];
    if (!frame) throw new Error(`the socket closed (${this.closeCode}) before answering`);
    return frame;
  }

  /** Waits for the first frame (from index `from`) of the given type. */
  async waitFor(type: string, from = 0, timeoutMs = 10_000): Promise<Frame> {
    await this.until(
      () => this.frames.slice(from).some((f) => f.type === type) || this.closeCode !== undefined,
      timeoutMs,
    );
    const frame = this.frames.slice(from).find((f) => f.type === type);
    if (!frame)
      throw new Error(`no ${type} frame; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
    return frame;
  }

  /**
   * Pings and waits for the pong, or the close. The server answers a ping at once, so every frame
   * it sent before reading the ping has arrived by then. The pong stays in `frames`.
   */
  async settle(timeoutMs = 10_000): Promise<void> {
    if (this.closeCode !== undefined) return;
    const from = this.frames.length;
    this.send({ type: "ping" });
    await this.until(
      () => this.frames.slice(from).some((f) => f.type === "pong") || this.closeCode !== undefined,
      timeoutMs,
    );
  }

  /** Resolves true once `check` holds (checked on every frame and the close), or false after `timeoutMs`. */
  waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const waiter = () => check() && done(true);
      const done = (held: boolean) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(held);
      };
      this.waiters.push(waiter);
    });
  }

  private async until(check: () => boolean, timeoutMs: number): Promise<void> {
    if (!(await this.waitUntil(check, timeoutMs)))
      throw new Error(`timed out; frames so far: ${JSON.stringify(this.frames)}`);
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

const isFrame = (json: unknown): json is Frame =>
  typeof json === "object" && json !== null && typeof (json as Frame).type === "string";
