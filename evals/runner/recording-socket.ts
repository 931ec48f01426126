import WebSocket from "ws";
import { Connection, type SocketClose } from "../../client/index.js";
import { isServerFrame, parseServerFrame, type Frame, type LogEntry } from "./frame-log.js";

/** Where the socket writes what it sees, and which case step is running. */
export interface FrameSink {
  entries: LogEntry[];
  step: number;
}

class WaitTimeout extends Error {}

type Unplaced = { from: "client" | "server"; frame: Frame } | { closed: SocketClose };

/**
 * The client library's `Connection` (over the `ws` package), appending every frame both ways,
 * and its close, to a shared log.
 */
export class RecordingSocket {
  readonly opened: Promise<void>;
  closed: SocketClose | undefined;
  private readonly connection: Connection;
  private waiters: (() => void)[] = [];

  constructor(
    url: string,
    token: string,
    private readonly sink: FrameSink,
    readonly conn: number,
  ) {
    this.connection = new Connection(url, {
      WebSocket,
      headers: { Authorization: `Bearer ${token}` },
    });
    this.opened = this.connection.opened;
    this.connection.on("frame", ({ data }) => {
      this.record({ from: "server", frame: parseServerFrame(data) });
    });
    this.connection.on("close", (closed) => {
      this.closed = closed;
      this.record({ closed });
    });
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  /** Index of the next log entry. */
  get position(): number {
    return this.sink.entries.length;
  }

  send(frame: Frame): void {
    this.record({ from: "client", frame });
    this.connection.send(frame);
  }

  /** Closes from the client side and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.connection.close(1000);
    await this.until(() => this.closed !== undefined, 5_000, "the socket to close");
  }

  /** Waits for a server frame of one of `types` on this connection from log index `from`, or the close. */
  async waitForFrame(types: string[], from: number, timeoutMs: number): Promise<Frame | undefined> {
    const find = () =>
      this.sink.entries
        .slice(from)
        .filter(isServerFrame)
        .find((e) => e.conn === this.conn && types.includes(e.frame.type))?.frame;
    await this.until(
      () => find() !== undefined || this.closed !== undefined,
      timeoutMs,
      types.join(" or "),
    );
    return find();
  }

  async waitForClose(timeoutMs: number): Promise<void> {
    await this.until(() => this.closed !== undefined, timeoutMs, "the server to close the socket");
  }

  /**
   * Pings and waits for the pong (or the close). The server answers a ping at once, so the pong
   * comes after every frame the server had sent before it read the ping.
   */
  async settle(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    const from = this.position;
    this.send({ type: "ping" });
    await this.waitForFrame(["pong"], from, timeoutMs);
  }

  private record(entry: Unplaced): void {
    this.sink.entries.push({ ...entry, conn: this.conn, step: this.sink.step });
    for (const waiter of [...this.waiters]) waiter();
  }

  private until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new WaitTimeout(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }
}
