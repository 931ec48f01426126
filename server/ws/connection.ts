import type { WebSocket } from "uWebSockets.js";
import type { Logger } from "../log.js";

export interface ConnectionLimits {
  maxQueuedMessages: number;
  maxBackpressureBytes: number;
  idleTimeoutMs: number;
}

export interface SocketData {
  connection?: Connection;
  /** Carried, with the conversation's id once known, by every log line about the socket. */
  requestId: string;
  query: URLSearchParams;
  cookieHeader: string;
  authorizationHeader: string;
  /** Whether the upgrade's `Origin` may use the session cookie (see `isAllowedOrigin`). */
  originAllowed: boolean;
}

export type TurnHandler = (text: string) => Promise<void>;

/**
 * One client socket: serialised sends with a backpressure bound, a FIFO of user messages run one
 * at a time, and an inactivity timer. Sends after close are ignored, so a turn that outlives its
 * socket still finishes and persists; the messages queued behind it are dropped.
 */
export class Connection {
  closed = false;
  readonly abort = new AbortController();
  private handler: TurnHandler | undefined;
  private readonly queue: string[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastActive = 0;

  constructor(
    private readonly ws: WebSocket<SocketData>,
    private readonly limits: ConnectionLimits,
    private readonly serverLog: Logger,
    /** What every line about this socket carries: its upgrade's request id, its conversation's id. */
    readonly logFields: Record<string, unknown> = {},
  ) {
    this.touch();
  }

  /** The server's logger with this socket's fields, made when a line is written (idle sockets hold none). */
  get log(): Logger {
    return this.serverLog.child(this.logFields);
  }

  /** Sends frames in one corked write. A client that stops reading is disconnected, not buffered for. */
  send(...frames: object[]): void {
    if (this.closed) return;
    if (this.ws.getBufferedAmount() > this.limits.maxBackpressureBytes) {
      this.log.warn("closing a socket whose client stopped reading");
      this.close(1013, "Client is not reading");
      return;
    }
    this.ws.cork(() => {
      for (const frame of frames) this.ws.send(JSON.stringify(frame));
    });
  }

  /** For optional frames (token deltas): skipped while the client is behind. */
  sendIfKeepingUp(frame: object): void {
    if (this.closed || this.ws.getBufferedAmount() > this.limits.maxBackpressureBytes / 4) return;
    this.send(frame);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.ws.end(code, reason);
  }

  /** Called by the socket's close handler: the socket is gone, so never touch it again. */
  markClosed(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.stopTurns();
    this.queue.length = 0;
  }

  /** Starts running queued messages through `handler`; messages received before this wait. */
  startTurns(handler: TurnHandler): void {
    this.handler = handler;
    this.pump();
  }

  enqueue(text: string): boolean {
    if (this.stopped || this.queue.length >= this.limits.maxQueuedMessages) return false;
    this.queue.push(text);
    this.pump();
    return true;
  }

  /** Starts no further turn; the running one goes on. */
  stopTurns(): void {
    this.stopped = true;
  }

  /** Takes the messages still waiting for a turn, oldest first. */
  dropQueued(): string[] {
    return this.queue.splice(0);
  }

  /** Messages waiting behind the running turn. */
  get queued(): number {
    return this.queue.length;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves once the running turn and everything queued behind it have finished. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Marks activity. The idle timer is re-armed only when it fires, not on every frame. */
  touch(): void {
    this.lastActive = performance.now();
    if (!this.idleTimer && !this.closed) this.armIdleTimer(this.limits.idleTimeoutMs);
  }

  private armIdleTimer(ms: number): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.closed) return;
      const left = this.lastActive + this.limits.idleTimeoutMs - performance.now();
      if (left > 0) this.armIdleTimer(left);
      else if (this.busy) this.touch();
      else this.close(1000, "Idle timeout");
    }, ms);
    this.idleTimer.unref();
  }

  private pump(): void {
    if (this.running || !this.handler || this.queue.length === 0) return;
    const handler = this.handler;
    this.running = (async () => {
      while (this.queue.length > 0 && !this.stopped && !this.abort.signal.aborted) {
        await handler(this.queue.shift() as string);
        this.touch();
      }
    })().finally(() => {
      this.running = undefined;
    });
  }
}
