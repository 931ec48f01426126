import type { z } from "zod";
import { backoffDelay, type BackoffOptions } from "./backoff.js";
import { describeClose, type CloseInfo } from "./close-codes.js";
import { Connection, type IncomingFrame } from "./connection.js";
import { Emitter } from "./emitter.js";
import { ClientClosedError, ConnectionLostError } from "./errors.js";
import { Transcript, type ChatMessage } from "./transcript.js";
import type { WebSocketConstructor } from "./web-socket.js";

/**
 * `idle` before `connect()`; `connecting` until the server's opening frames (and history) are in;
 * `open`; `reconnecting` while waiting to retry; `closed` for good (see `closeInfo`).
 */
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/**
 * A token (sent as `?token=`; a function is asked again before every connection), or the cookie:
 * in a browser the page's own `session` cookie, in Node a `Cookie` header value.
 */
export type Auth = { token: string | (() => string | Promise<string>) } | { cookie?: string };

export interface ClientOptions {
  /** The server, `http(s)://host:port` or `ws(s)://host:port`; in a browser, the page's origin by default. */
  url?: string;
  /** Default: the cookie. */
  auth?: Auth;
  /** Default: the global `WebSocket` (browsers, Node 22+); in Node 20 pass the `ws` package's. */
  WebSocket?: WebSocketConstructor;
  /** Ask for token deltas (`?stream=tokens`); messages then grow while the agent speaks. */
  stream?: boolean;
  /** Reconnect with exponential backoff and jitter after 1001, 1006, 1011–1013; `false` never does. */
  reconnect?: BackoffOptions | false;
  /** Ping every `intervalMs` (25 s) and drop a connection that answers nothing within `timeoutMs` (10 s). */
  heartbeat?: { intervalMs?: number; timeoutMs?: number } | false;
  /** How long opening a connection may take, opening frames included (default 15 s). */
  connectTimeoutMs?: number;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

type Frame = { type: string };
type FrameOf<F extends Frame, T extends string> = Extract<F, { type: T }>;

/** The client's own events, besides one per server frame type. */
export interface LifecycleEvents<F extends Frame> {
  /** Every valid frame, in order. */
  frame: F;
  state: ConnectionState;
  /** The transcript changed (a new array each time). */
  messages: readonly ChatMessage[];
  /** The agent is working on a reply. */
  typing: boolean;
  close: CloseInfo;
  reconnecting: { attempt: number; delayMs: number };
  /** A frame that is not valid JSON or not in the protocol; it is otherwise ignored. */
  invalid_frame: { data: string; problem: string };
}

/** One event per server frame type, with that frame, plus the client's own events. */
export type ClientEvents<F extends Frame> = {
  [T in F["type"]]: FrameOf<F, T>;
} & LifecycleEvents<F>;

interface Turn<F extends Frame> {
  message: ChatMessage;
  frames: F[];
  sent: boolean;
  /** The end of the turn was seen; frames the server sends right after it still belong to it. */
  ending: boolean;
  resolve(frames: F[]): void;
  reject(err: Error): void;
}

/** What a subclass says about its endpoint. */
export interface Endpoint<F extends Frame> {
  path: string;
  schema: z.ZodType<F>;
  /** The protocol field that carries the learner's text. */
  textField: "content" | "message";
  /** The agent that speaks when a frame does not say. */
  defaultAgent: string;
}

/**
 * The connection machinery both clients share: one socket at a time, validated frames as typed
 * events, a transcript, turns sent one after another, heartbeats, and reconnection that resumes
 * the conversation.
 */
export abstract class ConversationClient<F extends Frame> extends Emitter<ClientEvents<F>> {
  readonly transcript = new Transcript();
  private stateValue: ConnectionState = "idle";
  private lastClose: CloseInfo | undefined;
  private connection: Connection | undefined;
  private turns: Turn<F>[] = [];
  private pongWaiters: (() => void)[] = [];
  private typingValue = false;
  private finishedValue = false;
  private closedByUser = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFrameAt = 0;
  private opening: Promise<void> | undefined;
  private settleOpening: { resolve(): void; reject(err: Error): void } | undefined;
  protected speaking: string;

  protected constructor(
    protected readonly options: ClientOptions,
    private readonly endpoint: Endpoint<F>,
  ) {
    super();
    this.speaking = endpoint.defaultAgent;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** How the last connection ended, if one has. */
  get closeInfo(): CloseInfo | undefined {
    return this.lastClose;
  }

  get messages(): readonly ChatMessage[] {
    return this.transcript.messages;
  }

  get typing(): boolean {
    return this.typingValue;
  }

  /** The conversation is over (`mission_created` or `session_closed` arrived). */
  get finished(): boolean {
    return this.finishedValue;
  }

  /**
   * Opens the conversation. Resolves once the opening frames and the history are in (or the
   * conversation turns out to be over); rejects if the server refuses it for good (1008).
   */
  connect(): Promise<void> {
    if (this.stateValue === "open") return Promise.resolve();
    if (!this.opening) {
      this.opening = new Promise<void>((resolve, reject) => {
        this.settleOpening = { resolve, reject };
      });
      this.opening.catch(() => {});
    }
    if (this.stateValue === "idle" || this.stateValue === "closed") {
      this.closedByUser = false;
      this.attempt = 0;
      void this.open();
    } else if (this.stateValue === "reconnecting") {
      this.reconnectNow();
    }
    return this.opening;
  }

  /** Skips the wait before the next reconnection attempt (for a "Retry now" button or `online`). */
  reconnectNow(): void {
    if (this.stateValue !== "reconnecting") return;
    clearTimeout(this.retryTimer);
    void this.open();
  }

  /** Closes for good; unanswered messages fail with `ClientClosedError`. */
  close(): void {
    this.closedByUser = true;
    clearTimeout(this.retryTimer);
    const connection = this.connection;
    if (connection) {
      this.detach(connection);
      connection.close(1000, "Client closed");
    }
    this.ended(describeClose(1000, "Client closed", this.finishedValue), false);
  }

  /** Sends a learner message without waiting for the reply (it is queued while disconnected). */
  send(text: string): ChatMessage {
    let message!: ChatMessage;
    this.enqueue(text, (m) => (message = m)).catch(() => {});
    return message;
  }

  /** Sends the learner message for `id` (a `failed` one) again. */
  retry(id: string): ChatMessage | undefined {
    const failed = this.transcript.messages.find((m) => m.id === id && m.status === "failed");
    if (!failed) return undefined;
    this.transcript.remove(id);
    return this.send(failed.text);
  }

  /** Sends a raw frame now (no queueing). Returns false when not connected. */
  sendFrame(frame: object): boolean {
    return this.connection?.send(frame) ?? false;
  }

  /** Queues the learner's text as a turn; resolves with the turn's frames. */
  protected enqueue(text: string, onMessage?: (message: ChatMessage) => void): Promise<F[]> {
    const message = this.transcript.addUser(text);
    onMessage?.(message);
    this.emitMessages();
    return new Promise<F[]>((resolve, reject) => {
      if (this.finishedValue) {
        this.failMessage(message.id);
        reject(new ClientClosedError(this.lastClose, "The conversation is over"));
        return;
      }
      this.turns.push({ message, frames: [], sent: false, ending: false, resolve, reject });
      if (this.stateValue === "idle" || (this.stateValue === "closed" && this.canReopen())) {
        void this.connect();
      } else if (this.stateValue === "closed") {
        this.rejectWaitingTurns();
      }
      this.pump();
    });
  }

  /** Query parameters of the socket URL besides auth and streaming. */
  protected abstract query(): Promise<URLSearchParams> | URLSearchParams;
  /** A frame that means the conversation is over. */
  protected abstract isFinal(frame: F): boolean;
  /** Client-specific bookkeeping for a frame (progress, the mission), before its event. */
  protected abstract observe(frame: F): void;

  /**
   * Whether `frame` ends the current turn now, or "then": once the frames the server sends right
   * behind it are in. A bracketed turn ends after `agent_processing_end`, or at an error outside
   * a bracket (a message refused before its turn began).
   */
  protected turnEnd(frame: F, turnFrames: F[]): "now" | "then" | undefined {
    if (frame.type === "agent_processing_end") return "then";
    const bracketed = turnFrames.some((f) => f.type === "agent_processing_start");
    return frame.type === "error" && !bracketed ? "now" : undefined;
  }

  protected baseUrl(): string {
    const url =
      this.options.url ?? (globalThis as { location?: { origin: string } }).location?.origin;
    if (!url) throw new Error("No server URL: pass { url } outside a browser");
    return url.replace(/\/+$/, "");
  }

  /**
   * `fetch` with this client's credentials. Changes go as JSON; with a cookie given in Node, the
   * request names the server's own origin, as a page of it would (the server refuses changes made
   * with the cookie from anywhere else).
   */
  protected async authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
    const doFetch = this.options.fetch ?? fetch;
    const headers = new Headers(init.headers);
    const auth = this.options.auth ?? {};
    const http = this.baseUrl().replace(/^ws/, "http");
    if ("token" in auth) headers.set("Authorization", `Bearer ${await this.token()}`);
    else if (auth.cookie) {
      headers.set("Cookie", auth.cookie);
      headers.set("Origin", new URL(http).origin);
    }
    if ((init.method ?? "GET") !== "GET") headers.set("Content-Type", "application/json");
    return doFetch(`${http}${path}`, { ...init, headers, credentials: "include" });
  }

  private async token(): Promise<string | undefined> {
    const auth = this.options.auth ?? {};
    if (!("token" in auth)) return undefined;
    return typeof auth.token === "function" ? auth.token() : auth.token;
  }

  private canReopen(): boolean {
    return !this.finishedValue && this.lastClose?.kind === "normal";
  }

  private notify<K extends keyof LifecycleEvents<F>>(event: K, payload: LifecycleEvents<F>[K]) {
    // F is generic here, so TypeScript cannot see that no frame type is named like these events.
    (this.emit as (event: K, payload: LifecycleEvents<F>[K]) => void)(event, payload);
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.notify("state", state);
  }

  private setTyping(typing: boolean): void {
    if (this.typingValue === typing) return;
    this.typingValue = typing;
    this.notify("typing", typing);
  }

  private emitMessages(): void {
    this.notify("messages", this.transcript.messages);
  }

  private async open(): Promise<void> {
    this.setState("connecting");
    let url: string;
    try {
      const params = await this.query();
      const token = await this.token();
      if (token) params.set("token", token);
      if (this.options.stream) params.set("stream", "tokens");
      url = `${this.baseUrl().replace(/^http/, "ws")}${this.endpoint.path}?${params}`;
    } catch (err) {
      // Preparing the connection failed: refused for good, or (say, no network) like a drop.
      const refused = err instanceof ClientClosedError ? err.close : undefined;
      this.ended(refused ?? describeClose(1006, (err as Error).message, false), true);
      return;
    }
    if (this.closedByUser) return;
    const auth = this.options.auth ?? {};
    const headers =
      "cookie" in auth && auth.cookie
        ? { Cookie: auth.cookie, Origin: new URL(this.baseUrl().replace(/^ws/, "http")).origin }
        : undefined;
    const connection = new Connection(url, { WebSocket: this.options.WebSocket, headers });
    this.connection = connection;
    this.lastFrameAt = Date.now();
    // Events of a connection this client has let go of are ignored.
    connection.on("frame", (frame) => {
      if (this.connection === connection) this.receive(frame);
    });
    connection.on("close", ({ code, reason }) => {
      if (this.connection !== connection) return;
      this.detach(connection);
      this.ended(describeClose(code, reason, this.finishedValue), true);
    });
    this.connectTimer = setTimeout(
      () => this.dropDead(connection, "Connection timed out"),
      this.options.connectTimeoutMs ?? 15_000,
    );
  }

  private receive({ data, json }: IncomingFrame): void {
    this.lastFrameAt = Date.now();
    if (json === undefined) {
      this.notify("invalid_frame", { data, problem: "not JSON" });
      return;
    }
    const parsed = this.endpoint.schema.safeParse(json);
    if (!parsed.success) {
      const type = (json as { type?: unknown })?.type;
      this.notify("invalid_frame", { data, problem: `not a valid ${String(type)} frame` });
      return;
    }
    this.handle(parsed.data);
  }

  private handle(frame: F): void {
    const turn = this.turns[0]?.sent ? this.turns[0] : undefined;
    if (turn && frame.type !== "pong" && frame.type !== "connected") turn.frames.push(frame);
    this.apply(frame, turn);
    this.observe(frame);
    this.notify("frame", frame);
    (this.emit as (event: string, payload: unknown) => void)(frame.type, frame);
    if (turn) this.checkTurnEnd(frame, turn);
  }

  /** What every frame does to the connection, the transcript and the typing indicator. */
  private apply(frame: F, turn: Turn<F> | undefined): void {
    const f = frame as Frame & Record<string, unknown>;
    switch (f.type) {
      case "connected":
        clearTimeout(this.connectTimer);
        // History, if any, comes right behind `connected`; the pong marks the end of it.
        this.ping(() => this.synced());
        break;
      case "historical_messages":
        // Both agents' history items carry the text in `message`.
        this.transcript.applyHistory(
          (f.messages as { type: string; message: string }[]).map((m) => ({
            role: m.type === "user_message" ? "user" : "agent",
            text: m.message,
          })),
        );
        this.emitMessages();
        break;
      case "agent_processing_start":
        this.setTyping(true);
        break;
      case "agent_processing_end":
        this.setTyping(false);
        this.transcript.dropStreaming();
        this.emitMessages();
        break;
      case "agent_handover":
        this.speaking = String(f.agent);
        break;
      case "agent_message_delta":
        this.transcript.delta(String(f.id), String(f.delta), this.speaking);
        this.emitMessages();
        break;
      case "agent_message":
        this.transcript.agentMessage(
          String(f.id),
          String(f.message),
          typeof f.agent === "string" ? f.agent : this.speaking,
        );
        this.emitMessages();
        break;
      case "error":
        if (turn) this.failMessage(turn.message.id);
        break;
      case "pong":
        this.pongWaiters.shift()?.();
        break;
    }
    if (this.isFinal(frame)) {
      this.finishedValue = true;
      this.setTyping(false);
      this.transcript.dropStreaming();
      this.emitMessages();
    }
  }

  private checkTurnEnd(frame: F, turn: Turn<F>): void {
    if (turn.ending) return;
    const end = this.turnEnd(frame, turn.frames);
    if (!end) return;
    if (end === "now") {
      this.finishTurn(turn);
      return;
    }
    // Frames the server sends right after the end (an error, the final frame) precede the pong.
    turn.ending = true;
    this.ping(() => this.finishTurn(turn));
  }

  private finishTurn(turn: Turn<F>): void {
    if (this.turns[0] !== turn) return;
    this.turns.shift();
    this.setTyping(false);
    this.transcript.dropStreaming();
    if (!turn.frames.some((f) => f.type === "error")) {
      this.transcript.setStatus(turn.message.id, "delivered");
    }
    this.emitMessages();
    turn.resolve(turn.frames);
    this.pump();
  }

  private failMessage(id: string): void {
    this.transcript.setStatus(id, "failed");
    this.emitMessages();
  }

  private ping(then: () => void): void {
    if (!this.sendFrame({ type: "ping" })) return;
    this.pongWaiters.push(then);
  }

  private synced(): void {
    this.setState("open");
    this.attempt = 0;
    this.startHeartbeat();
    this.settleOpening?.resolve();
    this.settleOpening = undefined;
    this.opening = undefined;
    this.pump();
  }

  /** Sends the next queued turn once the previous one has ended. */
  private pump(): void {
    if (this.stateValue !== "open" || this.finishedValue) return;
    const turn = this.turns[0];
    if (!turn || turn.sent) return;
    turn.sent = true;
    const sent = this.sendFrame({
      type: "user_message",
      [this.endpoint.textField]: turn.message.text,
    });
    if (!sent) {
      turn.sent = false;
      return;
    }
    this.transcript.setStatus(turn.message.id, "sent");
    this.emitMessages();
    if (!this.typingValue) this.setTyping(true);
  }

  private startHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    const heartbeat = this.options.heartbeat;
    if (heartbeat === false) return;
    const interval = heartbeat?.intervalMs ?? 25_000;
    const timeout = heartbeat?.timeoutMs ?? 10_000;
    this.heartbeatTimer = setInterval(() => {
      const connection = this.connection;
      if (!connection) return;
      const sentAt = Date.now();
      this.ping(() => {});
      setTimeout(() => {
        if (this.connection === connection && this.lastFrameAt < sentAt)
          this.dropDead(connection, "No answer to ping");
      }, timeout);
    }, interval);
  }

  /** Gives up on a socket that stopped answering: the browser may take minutes to notice. */
  private dropDead(connection: Connection, reason: string): void {
    if (this.connection !== connection) return;
    this.detach(connection);
    connection.close(4000, reason);
    this.ended(describeClose(1006, reason, this.finishedValue), true);
  }

  private detach(connection: Connection): void {
    if (this.connection === connection) this.connection = undefined;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.connectTimer);
  }

  /** The socket is gone: settle the running turn, then retry or stop. */
  private ended(info: CloseInfo, mayRetry: boolean): void {
    if (this.stateValue === "closed" && !mayRetry) return;
    const waiters = this.pongWaiters;
    this.pongWaiters = [];
    this.setTyping(false);
    this.transcript.dropStreaming();
    // A turn whose end was seen is complete; the barrier pong is merely lost with the socket.
    for (const waiter of waiters) waiter();
    const running = this.turns[0]?.sent ? this.turns.shift() : undefined;
    if (running) running.reject(new ConnectionLostError(info));
    this.emitMessages();
    this.lastClose = info;
    this.notify("close", info);

    const backoff = this.options.reconnect;
    const retry =
      mayRetry &&
      info.retry &&
      !this.closedByUser &&
      !this.finishedValue &&
      backoff !== false &&
      this.attempt < (backoff?.maxAttempts ?? Infinity);
    if (retry) {
      this.attempt += 1;
      const delayMs = backoffDelay(this.attempt, backoff || {});
      this.setState("reconnecting");
      this.notify("reconnecting", { attempt: this.attempt, delayMs });
      this.retryTimer = setTimeout(() => void this.open(), delayMs);
      return;
    }
    this.setState("closed");
    if (this.finishedValue) this.settleOpening?.resolve();
    else this.settleOpening?.reject(new ClientClosedError(info));
    this.settleOpening = undefined;
    this.opening = undefined;
    if (!this.canReopen() || this.closedByUser) this.rejectWaitingTurns();
  }

  private rejectWaitingTurns(): void {
    const waiting = this.turns;
    this.turns = [];
    for (const turn of waiting) {
      this.transcript.setStatus(turn.message.id, "failed");
      turn.reject(new ClientClosedError(this.lastClose));
    }
    if (waiting.length > 0) this.emitMessages();
  }
}
