import type { TemplatedApp, WebSocketBehavior } from "uWebSockets.js";
import type { z } from "zod";
import { socketCredential } from "../auth/index.js";
import { isAllowedOrigin } from "../http/cross-site.js";
import type { Logger } from "../log.js";
import type { SocketObserver } from "../observability/index.js";
import { requestId } from "../observability/request-id.js";
import { isLeaseLost } from "../../store/index.js";
import { parseClientFrame } from "../protocol/index.js";
import { Connection, forgetUpgrade, type ConnectionLimits, type SocketData } from "./connection.js";
import type { ConversationLeases, HeldLease } from "./conversation-leases.js";
import type { ConversationLocks } from "./conversation-locks.js";
import type { FairScheduler } from "./fair-scheduler.js";
import type { TurnAdmission } from "./turn-admission.js";

/** Ends the connection with an `error` frame and this close code (1008 for auth and ownership). */
export class CloseWith extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** An authenticated conversation on one socket. */
export interface Conversation {
  /** Identifies the conversation across sockets: one turn at a time per key in this process. */
  key: string;
  /** The user it belongs to, whose turns share a rate limit and a fair share of the server. */
  owner: string;
  /**
   * Runs one learner message. `fence()` gives the fencing token of the conversation's lease, which
   * every write of the turn carries; it fails once another socket has taken the conversation.
   */
  runTurn(text: string, fence: () => Promise<number>): Promise<void>;
  /** The socket closed while it still held the conversation. */
  onClose(): Promise<void>;
}

/**
 * Takes the conversation's lease (keyed by its thread id) for this socket, closing whichever socket
 * held it, on any instance. An endpoint claims before it reads the history, so the history holds
 * everything the previous holder wrote.
 */
export type ClaimConversation = (key: string) => Promise<void>;

export interface EndpointSpec {
  path: string;
  clientSchema: z.ZodType<{ type: string }>;
  textField: "content" | "message";
  /**
   * Authenticates, claims and loads the conversation and sends the opening frames; undefined if
   * it closed. A conversation it returns must have been claimed.
   */
  open(
    connection: Connection,
    data: SocketData,
    claim: ClaimConversation,
  ): Promise<Conversation | undefined>;
}

export interface EndpointContext {
  log: Logger;
  limits: ConnectionLimits & { maxFrameBytes: number };
  locks: ConversationLocks;
  leases: ConversationLeases;
  scheduler: FairScheduler;
  admission: TurnAdmission;
  allowedOrigins: string[];
  connections: Set<Connection>;
  isDraining: () => boolean;
  /** This endpoint's socket metrics. */
  sockets: SocketObserver;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

const QUEUE_FULL = "Too many messages are waiting for a reply; please wait and send it again.";
const CROSS_SITE = "Cross-site WebSocket refused: Origin not allowed";

/** uWS drops (without a close frame) any message above this, so it is the hard limit. */
export const hardFrameLimit = (maxFrameBytes: number) => maxFrameBytes * 4;

/** Wires one WebSocket endpoint: upgrade, auth on open, frame validation, queued turns, close. */
export function registerEndpoint(
  app: TemplatedApp,
  ctx: EndpointContext,
  spec: EndpointSpec,
): void {
  const conversations = new WeakMap<Connection, Conversation>();
  const leases = new WeakMap<Connection, HeldLease>();

  const fail = (connection: Connection, err: unknown) => {
    if (err instanceof CloseWith) {
      connection.send({ type: "error", message: err.reason });
      connection.close(err.code, err.reason);
      return;
    }
    connection.log.error("socket failed", { path: spec.path, error: err });
    connection.send({ type: "error", message: "Internal server error" });
    connection.close(1011, "Internal server error");
  };

  /**
   * Runs one learner message: admitted while running, in its owner's fair share, one per key in
   * this process, under the conversation's lease (renewed while it runs).
   */
  const turnRunner =
    (connection: Connection, conversation: Conversation, lease: HeldLease) => (text: string) =>
      ctx.admission
        .track(() =>
          ctx.scheduler.run(conversation.owner, async () => {
            await ctx.scheduler.yield();
            await ctx.locks.run(conversation.key, () =>
              lease.during(() => conversation.runTurn(text, () => lease.forTurn())),
            );
          }),
        )
        .catch((err: unknown) => (isLeaseLost(err) ? lease.refused() : fail(connection, err)));

  const claimFor =
    (connection: Connection): ClaimConversation =>
    async (key) => {
      const lease = await ctx.leases.claim(key, connection);
      leases.set(connection, lease);
      // The client left while the lease was being taken: nobody will close this socket again.
      if (connection.closed) await lease.release();
    };

  /** Answers a frame that will not run with an `error` frame, counted by why. */
  const reject = (
    connection: Connection,
    kind: Parameters<SocketObserver["rejected"]>[0],
    error: { code?: string; message: string; retry_after_ms?: number },
  ) => {
    ctx.sockets.rejected(kind);
    connection.send({ type: "error", ...error });
  };

  const onFrame = (connection: Connection, message: ArrayBuffer) => {
    connection.touch();
    if (message.byteLength > ctx.limits.maxFrameBytes) {
      const error = `Invalid message format: frame exceeds ${ctx.limits.maxFrameBytes} bytes`;
      return reject(connection, "invalid_frame", { message: error });
    }
    let raw: string;
    try {
      raw = decoder.decode(message);
    } catch {
      const error = "Invalid message format: frames must be UTF-8 JSON";
      return reject(connection, "invalid_frame", { message: error });
    }
    const parsed = parseClientFrame(raw, spec.clientSchema, spec.textField);
    if (!parsed.ok) return reject(connection, "invalid_frame", { message: parsed.error });
    if (parsed.frame.type === "ping") return connection.send({ type: "pong" });
    if (ctx.isDraining()) {
      const error = "Server is shutting down; please reconnect shortly.";
      return connection.send({ type: "error", message: error });
    }
    if (connection.queued >= ctx.limits.maxQueuedMessages) {
      return reject(connection, "queue_full", { code: "queue_full", message: QUEUE_FULL });
    }
    // Until sign-in completes the owner is unknown; the queue limit still holds.
    const owner = conversations.get(connection)?.owner;
    const refusal = owner === undefined ? undefined : ctx.admission.admit(owner);
    if (refusal) {
      const { code, message: error, retryAfterMs } = refusal;
      return reject(connection, code, { code, message: error, retry_after_ms: retryAfterMs });
    }
    if (!connection.enqueue(parsed.frame.text ?? "")) {
      reject(connection, "queue_full", { code: "queue_full", message: QUEUE_FULL });
    }
  };

  const behavior: WebSocketBehavior<SocketData> = {
    // uWS drops the connection itself above this size; frames between the configured limit and
    // this one get an `error` frame instead.
    maxPayloadLength: hardFrameLimit(ctx.limits.maxFrameBytes),
    maxBackpressure: ctx.limits.maxBackpressureBytes * 2,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      try {
        if (ctx.isDraining()) {
          res.writeStatus("503 Service Unavailable").end("Server is shutting down");
          return;
        }
        const data: SocketData = {
          connection: undefined,
          requestId: requestId(req.getHeader("x-request-id")),
          query: new URLSearchParams(req.getQuery() ?? ""),
          cookieHeader: req.getHeader("cookie"),
          authorizationHeader: req.getHeader("authorization"),
          originAllowed: isAllowedOrigin(
            req.getHeader("origin"),
            req.getHeader("host"),
            ctx.allowedOrigins,
          ),
        };
        res.upgrade(
          data,
          req.getHeader("sec-websocket-key"),
          req.getHeader("sec-websocket-protocol"),
          req.getHeader("sec-websocket-extensions"),
          context,
        );
      } catch (err) {
        ctx.log.error("upgrade failed", { path: spec.path, error: err });
        res.writeStatus("400 Bad Request").end("Bad WebSocket upgrade", true);
      }
    },
    open: (ws) => {
      const data = ws.getUserData();
      // Both fields from the start, so that naming the conversation later adds no storage.
      const connection = new Connection(ws, ctx.limits, ctx.log, {
        request_id: data.requestId,
        conversation_id: undefined,
      });
      data.connection = connection;
      ctx.connections.add(connection);
      ctx.sockets.opened();
      // A browser sends the cookie to any page's socket; only an allowed Origin may ride on it.
      if (socketCredential(data)?.source === "cookie" && !data.originAllowed) {
        fail(connection, new CloseWith(1008, CROSS_SITE));
        return;
      }
      spec
        .open(connection, data, claimFor(connection))
        .finally(() => forgetUpgrade(data))
        .then((conversation) => {
          const lease = leases.get(connection);
          if (!conversation) {
            // Opened and closed at once (a finished conversation): nothing to hold.
            void lease?.release();
            return;
          }
          if (!lease) throw new Error(`${spec.path} opened a conversation it did not claim`);
          if (connection.closed) {
            void lease.release();
            return;
          }
          conversations.set(connection, conversation);
          connection.logFields.conversation_id = conversation.key;
          connection.startTurns(turnRunner(connection, conversation, lease));
        })
        .catch((err: unknown) => {
          void leases.get(connection)?.release();
          fail(connection, err);
        });
    },
    message: (ws, message) => {
      const connection = ws.getUserData().connection;
      if (!connection) return;
      try {
        onFrame(connection, message);
      } catch (err) {
        connection.log.error("frame handling failed", { path: spec.path, error: err });
        connection.send({ type: "error", message: "Internal server error" });
      }
    },
    close: (ws, code, message) => {
      const connection = ws.getUserData().connection;
      if (!connection) return;
      // uWS drops a connection itself for invalid UTF-8 in a text frame or an oversized message.
      ctx.sockets.closed(code);
      if (code === 1006 && message.byteLength > 0) {
        connection.log.debug("socket dropped", {
          path: spec.path,
          reason: Buffer.from(message).toString(),
        });
      }
      // The running turn may finish; the messages queued behind it are dropped.
      connection.markClosed();
      ctx.connections.delete(connection);
      const conversation = conversations.get(connection);
      const lease = leases.get(connection);
      if (conversation && lease && !lease.lost) {
        // Let the running turn finish first, under the lease, so the conversation's final status
        // reflects it; the lease goes last.
        connection.closeHandling = connection
          .idle()
          .then(() => (lease.lost ? undefined : conversation.onClose()))
          .finally(() => lease.release())
          .catch((err: unknown) =>
            connection.log.error("close handling failed", { path: spec.path, error: err }),
          );
      }
    },
  };
  app.ws<SocketData>(spec.path, behavior);
}
