import type { WebSocket } from "uWebSockets.js";
import type { Logger } from "../log.js";

export interface ConnectionLimits {
  maxQueuedMessages: number;
  maxBackpressureBytes: number;
  idleTimeoutMs: number;
}

export interface SocketData {
  connection: Connection | undefined;
  /** Carried, with the conversation's id once known, by every log line about the socket. */
  requestId: string;
  /** The upgrade's query and credentials, which only the opening reads: emptied once it is done. */
  query: URLSearchParams;
  cookieHeader: string;
  authorizationHeader: string;
  /** Whether the upgrade's `Origin` may use the session cookie (see `isAllowedOrigin`). */
  originAllowed: boolean;
}

const NO_QUERY = new URLSearchParams();

/**
 * Lets go of what only the opening needed, so an idle socket keeps neither its query (whose token
 * alone is hundreds of bytes) nor its headers for as long as it stays open.
 */
export function forgetUpgrade(data: SocketData): void {
  data.query = NO_QUERY;
  data.cookieHeader = "";
  data.authorizationHeader = "";
}

export type TurnHandler = (text: string) => Promise<void>;

/** How often open sockets are checked for inactivity: one is closed within this of its limit. */
const IDLE_SWEEP_MS = 1_000;

/**
 * Every open socket, checked for inactivity by one timer rather than by a timer each (which would
 * cost an idle socket a quarter of a kilobyte). The timer runs while any socket is open.
 */
const open = new Set<Connection>();
let idleSweep: NodeJS.Timeout | undefined;

function watchIdle(connection: Connection): void {
  open.add(connection);
  idleSweep ??= setInterval(() => {
    const now = performance.now();
    for (const each of open) each.closeIfIdle(now);
  }, IDLE_SWEEP_MS).unref();
}

function unwatchIdle(connection: Connection): void {
  open.delete(connection);
  if (open.size > 0) return;
  clearInterval(idleSweep);
  idleSweep = undefined;
}

/**
 * One client socket: serialised sends with a backpressure bound, a FIFO of user messages run one
 * at a time, and an inactivity limit. Sends after close are ignored, so a turn that outlives its
 * socket still finishes and persists; the messages queued behind it are dropped.
 */
export class Connection {
  closed = false;
  /** What is left to do once the socket has closed: its conversation's last write, its lease's release. */
  closeHandling: Promise<void> = Promise.resolve();
  readonly abort = new AbortController();
  private handler: TurnHandler | undefined;
  private readonly queue: string[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastActive = performance.now();

  constructor(
    private readonly ws: WebSocket<SocketData>,
    private readonly limits: ConnectionLimits,
    private readonly serverLog: Logger,
    /** What every line about this socket carries: its upgrade's request id, its conversation's id. */
    readonly logFields: Record<string, unknown> = {},
  ) {
    watchIdle(this);
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
    unwatchIdle(this);
    this.ws.end(code, reason);
  }

  /** Called by the socket's close handler: the socket is gone, so never touch it again. */
  markClosed(): void {
    this.closed = true;
    unwatchIdle(this);
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

  /** Marks activity. */
  touch(): void {
    this.lastActive = performance.now();
  }

  /** Closes the socket if it has been inactive for its limit; a running turn counts as activity. */
  closeIfIdle(now: number): void {
    if (this.closed || now - this.lastActive < this.limits.idleTimeoutMs) return;
    if (this.busy) this.lastActive = now;
    else this.close(1000, "Idle timeout");
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
