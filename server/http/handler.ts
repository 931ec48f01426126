import { STATUS_CODES } from "node:http";
import type { HttpRequest, HttpResponse } from "uWebSockets.js";
import type { Logger } from "../log.js";
import { requestId } from "../observability/request-id.js";
import { refuseCrossSite } from "./cross-site.js";
import { HttpError } from "./http-error.js";

export interface RequestInfo {
  /** Carried by the request's log lines and sent back as `X-Request-Id`. */
  requestId: string;
  /** The peer's address as uWS gives it (IPv4, or IPv6 written out in full). */
  remoteAddress: string;
  method: string;
  path: string;
  query: URLSearchParams;
  params: string[];
  headers: {
    origin: string;
    host: string;
    cookie: string;
    authorization: string;
    contentType: string;
    acceptEncoding: string;
    ifNoneMatch: string;
  };
  body: Buffer;
}

export interface Reply {
  status: number;
  /** Sent as JSON, unless it is a `RawBody`. */
  body: unknown;
  headers?: Record<string, string | string[]>;
}

/** A response body sent as it is, for pages and scripts. */
export class RawBody {
  constructor(
    readonly contentType: string,
    readonly data: string | Buffer,
  ) {}
}

export type Route = (req: RequestInfo) => Promise<Reply> | Reply;

export interface HandlerContext {
  log: Logger;
  allowedOrigins: string[];
  maxBodyBytes: number;
  /** Told of every request answered with 500. */
  onInternalError?: () => void;
}

const WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function corsHeaders(origin: string, allowedOrigins: string[]): Record<string, string> {
  if (!origin || !(allowedOrigins.includes(origin) || allowedOrigins.includes("*"))) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    Vary: "Origin",
  };
}

/** The JSON answer to a failed request; anything but an `HttpError` is a logged 500. */
export function errorReply(
  err: unknown,
  ctx: Pick<HandlerContext, "log" | "onInternalError">,
  where: Record<string, unknown>,
): Reply {
  if (err instanceof HttpError) {
    return {
      status: err.status,
      body: err.errorCode
        ? { detail: err.detail, error_code: err.errorCode }
        : { detail: err.detail },
    };
  }
  ctx.onInternalError?.();
  ctx.log.error("request failed", { ...where, error: err });
  return { status: 500, body: { detail: "Internal server error" } };
}

/** Writes a whole response: JSON unless the body is raw, no body for HEAD and 204. */
export function writeReply(
  res: HttpResponse,
  method: string,
  reply: Reply,
  extraHeaders: Record<string, string> = {},
  closeConnection = false,
): void {
  res.writeStatus(`${reply.status} ${STATUS_CODES[reply.status] ?? ""}`.trim());
  for (const [name, value] of Object.entries({ ...extraHeaders, ...reply.headers })) {
    for (const v of Array.isArray(value) ? value : [value]) res.writeHeader(name, v);
  }
  // uWS ends the process if endWithoutBody gets arguments it cannot take as numbers, and with a
  // number it adds a second Content-Length; these responses never need the connection closed.
  if (reply.status === 204 || reply.status === 304) {
    res.endWithoutBody();
    return;
  }
  const { contentType, data } =
    reply.body instanceof RawBody
      ? reply.body
      : { contentType: "application/json", data: JSON.stringify(reply.body) };
  res.writeHeader("Content-Type", contentType);
  if (method === "HEAD") {
    res.writeHeader("Content-Length", String(Buffer.byteLength(data)));
    res.endWithoutBody();
    return;
  }
  res.end(data, closeConnection);
}

function readBody(res: HttpResponse, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    res.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > limit) {
        done = true;
        reject(new HttpError(413, `Request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
  });
}

/** A path segment as its text; malformed percent-encoding is the client's error, never a crash. */
function decodePathParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, "Malformed percent-encoding in the URL path");
  }
}

type RequestHead = Omit<RequestInfo, "body" | "params">;

/** What the route needs from the request, copied while uWS still holds it. */
function readHead(
  res: HttpResponse,
  req: HttpRequest,
  paramCount: number,
): { head: RequestHead; rawParams: string[] } {
  const head: RequestHead = {
    requestId: requestId(req.getHeader("x-request-id")),
    remoteAddress: Buffer.from(res.getRemoteAddressAsText()).toString(),
    method: req.getCaseSensitiveMethod().toUpperCase(),
    path: req.getUrl(),
    query: new URLSearchParams(req.getQuery() ?? ""),
    headers: {
      origin: req.getHeader("origin"),
      host: req.getHeader("host"),
      cookie: req.getHeader("cookie"),
      authorization: req.getHeader("authorization"),
      contentType: req.getHeader("content-type"),
      acceptEncoding: req.getHeader("accept-encoding"),
      ifNoneMatch: req.getHeader("if-none-match"),
    },
  };
  const rawParams = Array.from({ length: paramCount }, (_, i) => req.getParameter(i) ?? "");
  return { head, rawParams };
}

/**
 * Adapts an async route to uWS: copies what it needs from the request before the first await,
 * refuses cross-site state changes, reads the body, answers errors as JSON, and puts CORS headers
 * on every response. Nothing a request carries can throw out of here: uWS ends the process when a
 * handler throws before it has responded.
 */
export function handle(ctx: HandlerContext, route: Route, paramCount = 0) {
  return (res: HttpResponse, req: HttpRequest) => {
    let aborted = false;
    let read: ReturnType<typeof readHead>;
    let declaredLength: number;
    try {
      res.onAborted(() => {
        aborted = true;
      });
      read = readHead(res, req, paramCount);
      declaredLength = Number(req.getHeader("content-length") || 0);
    } catch (err) {
      const reply = errorReply(err, ctx, { reading: "request" });
      if (!aborted) res.cork(() => writeReply(res, "GET", reply, {}, true));
      return;
    }
    const { head, rawParams } = read;
    const headers = {
      ...corsHeaders(head.headers.origin, ctx.allowedOrigins),
      "X-Request-Id": head.requestId,
    };
    // A body that cannot fit is refused unread, and the connection is closed behind it.
    let closeAfter = declaredLength > ctx.maxBodyBytes;
    const body = !WITH_BODY.has(head.method)
      ? Promise.resolve(Buffer.alloc(0))
      : closeAfter
        ? Promise.reject(new HttpError(413, `Request body exceeds ${ctx.maxBodyBytes} bytes`))
        : readBody(res, ctx.maxBodyBytes);
    body
      .then((b) => {
        refuseCrossSite(head, ctx.allowedOrigins);
        return route({ ...head, params: rawParams.map(decodePathParam), body: b });
      })
      .catch((err: unknown) => {
        if (err instanceof HttpError && err.status === 413) closeAfter = true;
        const where = { request_id: head.requestId, method: head.method, path: head.path };
        return errorReply(err, ctx, where);
      })
      .then((reply) => {
        if (aborted) return;
        res.cork(() => writeReply(res, head.method, reply, headers, closeAfter));
      })
      .catch((err: unknown) => ctx.log.error("response failed", { path: head.path, error: err }));
  };
}

/** Parses a JSON object body or answers 400/422. */
export function jsonBody(req: RequestInfo): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(req.body.toString("utf8") || "{}");
  } catch {
    throw new HttpError(400, "Request body must be valid JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new HttpError(422, "Request body must be a JSON object");
  }
  return data as Record<string, unknown>;
}
