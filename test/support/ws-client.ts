import WebSocket from "ws";

export type Frame = { type: string } & Record<string, unknown>;

/** A real WebSocket client that records every frame and the close, with helpers to await them. */
export class TestSocket {
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
  closeReason = "";
  private readonly socket: WebSocket;
  private waiters: (() => void)[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.socket = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once("open", () => resolve());
      this.socket.once("error", reject);
    });
    this.closed = new Promise((resolve) => {
      this.socket.on("close", (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        this.notify();
        resolve({ code, reason: this.closeReason });
      });
    });
    this.socket.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.notify();
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  close(): void {
    this.socket.close();
  }

  terminate(): void {
    this.socket.terminate();
  }

  pause(): void {
    this.socket.pause();
  }

  /** Waits until `count` frames have arrived (or the socket closed), then returns them all. */
  async waitForFrames(count: number, timeoutMs = 10_000): Promise<Frame[]> {
    await this.until(() => this.frames.length >= count || this.closeCode !== undefined, timeoutMs);
    return this.frames;
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

  /** Waits until `check` holds for the frames so far, or the socket closes. */
  async waitUntil(check: (frames: Frame[]) => boolean, timeoutMs = 10_000): Promise<void> {
    await this.until(() => check(this.frames) || this.closeCode !== undefined, timeoutMs);
  }

  private until(check: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => {
        reject(new Error(`timed out; frames so far: ${JSON.stringify(this.frames)}`));
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

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
