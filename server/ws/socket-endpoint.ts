import type { TemplatedApp, WebSocketBehavior } from "uWebSockets.js";
import type { z } from "zod";
import type { Logger } from "../log.js";
import type { SocketObserver } from "../observability/index.js";
import { requestId } from "../observability/request-id.js";
import { parseClientFrame } from "../protocol/index.js";
import { Connection, type ConnectionLimits, type SocketData } from "./connection.js";
import type { ConversationLocks } from "./conversation-locks.js";
import type { LiveSockets } from "./live-sockets.js";

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
  /** Identifies the conversation across sockets: one live socket and one turn at a time per key. */
  key: string;
  runTurn(text: string): Promise<void>;
  /** The socket closed while it still owned the conversation. */
  onClose(): Promise<void>;
}

export interface EndpointSpec {
  path: string;
  clientSchema: z.ZodType<{ type: string }>;
  textField: "content" | "message";
  /** Authenticates, loads the conversation and sends the opening frames; undefined if it closed. */
  open(connection: Connection, data: SocketData): Promise<Conversation | undefined>;
}

export interface EndpointContext {
  log: Logger;
  limits: ConnectionLimits & { maxFrameBytes: number };
  locks: ConversationLocks;
  live: LiveSockets;
  connections: Set<Connection>;
  isDraining: () => boolean;
  /** This endpoint's socket metrics. */
  sockets: SocketObserver;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Wires one WebSocket endpoint: upgrade, auth on open, frame validation, queued turns, close. */
export function registerEndpoint(
  app: TemplatedApp,
  ctx: EndpointContext,
  spec: EndpointSpec,
): void {
  const conversations = new WeakMap<Connection, Conversation>();

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

  const behavior: WebSocketBehavior<SocketData> = {
    // uWS closes the socket itself above this size; frames between the configured limit and this
    // one get an `error` frame instead.
    maxPayloadLength: Math.max(ctx.limits.maxFrameBytes * 4, 1024 * 1024),
    maxBackpressure: ctx.limits.maxBackpressureBytes * 2,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      if (ctx.isDraining()) {
        res.writeStatus("503 Service Unavailable").end("Server is shutting down");
        return;
      }
      const data: SocketData = {
        requestId: requestId(req.getHeader("x-request-id")),
        query: new URLSearchParams(req.getQuery() ?? ""),
        cookieHeader: req.getHeader("cookie"),
        authorizationHeader: req.getHeader("authorization"),
      };
      res.upgrade(
        data,
        req.getHeader("sec-websocket-key"),
        req.getHeader("sec-websocket-protocol"),
        req.getHeader("sec-websocket-extensions"),
        context,
      );
    },
    open: (ws) => {
      const data = ws.getUserData();
      const connection = new Connection(ws, ctx.limits, ctx.log, { request_id: data.requestId });
      data.connection = connection;
      ctx.connections.add(connection);
      ctx.sockets.opened();
      spec
        .open(connection, data)
        .then((conversation) => {
          if (!conversation) return;
          conversations.set(connection, conversation);
          connection.logFields.conversation_id = conversation.key;
          ctx.live.claim(conversation.key, connection);
          connection.startTurns((text) =>
            ctx.locks
              .run(conversation.key, () => conversation.runTurn(text))
              .catch((err: unknown) => fail(connection, err)),
          );
        })
        .catch((err: unknown) => fail(connection, err));
    },
    message: (ws, message) => {
      const connection = ws.getUserData().connection;
      if (!connection) return;
      connection.touch();
      if (message.byteLength > ctx.limits.maxFrameBytes) {
        ctx.sockets.rejected("invalid_frame");
        connection.send({
          type: "error",
          message: `Invalid message format: frame exceeds ${ctx.limits.maxFrameBytes} bytes`,
        });
        return;
      }
      let raw: string;
      try {
        raw = decoder.decode(message);
      } catch {
        ctx.sockets.rejected("invalid_frame");
        connection.send({
          type: "error",
          message: "Invalid message format: frames must be UTF-8 JSON",
        });
        return;
      }
      const parsed = parseClientFrame(raw, spec.clientSchema, spec.textField);
      if (!parsed.ok) {
        ctx.sockets.rejected("invalid_frame");
        connection.send({ type: "error", message: parsed.error });
      } else if (parsed.frame.type === "ping") {
        connection.send({ type: "pong" });
      } else if (ctx.isDraining()) {
        connection.send({
          type: "error",
          message: "Server is shutting down; please reconnect shortly.",
        });
      } else if (!connection.enqueue(parsed.frame.text ?? "")) {
        ctx.sockets.rejected("queue_full");
        connection.send({
          type: "error",
          message: "Too many messages are waiting for a reply; please wait and send it again.",
        });
      }
    },
    close: (ws, code) => {
      const connection = ws.getUserData().connection;
      if (!connection) return;
      ctx.sockets.closed(code);
      connection.markClosed();
      ctx.connections.delete(connection);
      const conversation = conversations.get(connection);
      if (conversation && ctx.live.release(conversation.key, connection)) {
        // Let queued turns finish first, so the conversation's final status reflects them.
        void connection
          .idle()
          .then(() => conversation.onClose())
          .catch((err: unknown) =>
            connection.log.error("close handling failed", { path: spec.path, error: err }),
          );
      }
    },
  };
  app.ws<SocketData>(spec.path, behavior);
}
