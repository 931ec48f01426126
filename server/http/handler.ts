import type { HttpRequest, HttpResponse } from "uWebSockets.js";
import type { Logger } from "../log.js";
import { requestId } from "../observability/request-id.js";
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
  headers: { origin: string; cookie: string; authorization: string; contentType: string };
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

const STATUS_TEXT: Record<number, string> = {
  200: "200 OK",
  201: "201 Created",
  204: "204 No Content",
  400: "400 Bad Request",
  401: "401 Unauthorized",
  403: "403 Forbidden",
  404: "404 Not Found",
  413: "413 Payload Too Large",
  422: "422 Unprocessable Entity",
  500: "500 Internal Server Error",
  503: "503 Service Unavailable",
};

export function corsHeaders(origin: string, allowedOrigins: string[]): Record<string, string> {
  if (!origin || !(allowedOrigins.includes(origin) || allowedOrigins.includes("*"))) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    Vary: "Origin",
  };
}

function write(res: HttpResponse, reply: Reply, cors: Record<string, string>) {
  res.writeStatus(STATUS_TEXT[reply.status] ?? String(reply.status));
  for (const [name, value] of Object.entries({ ...cors, ...reply.headers })) {
    for (const v of Array.isArray(value) ? value : [value]) res.writeHeader(name, v);
  }
  if (reply.status === 204) {
    res.endWithoutBody();
    return;
  }
  if (reply.body instanceof RawBody) {
    res.writeHeader("Content-Type", reply.body.contentType);
    res.end(reply.body.data);
    return;
  }
  res.writeHeader("Content-Type", "application/json");
  res.end(JSON.stringify(reply.body));
}

function readBody(res: HttpResponse, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.onData((chunk, isLast) => {
      size += chunk.byteLength;
      if (size > limit) {
        reject(new HttpError(413, "Request body too large"));
        return;
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * Adapts an async route to uWS: copies what it needs from the request before the first await,
 * reads the body, answers errors as JSON, and puts CORS headers on every response.
 */
export function handle(ctx: HandlerContext, route: Route, paramCount = 0) {
  return (res: HttpResponse, req: HttpRequest) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    const info: Omit<RequestInfo, "body"> = {
      requestId: requestId(req.getHeader("x-request-id")),
      remoteAddress: Buffer.from(res.getRemoteAddressAsText()).toString(),
      method: req.getCaseSensitiveMethod(),
      path: req.getUrl(),
      query: new URLSearchParams(req.getQuery() ?? ""),
      params: Array.from({ length: paramCount }, (_, i) =>
        decodeURIComponent(req.getParameter(i) ?? ""),
      ),
      headers: {
        origin: req.getHeader("origin"),
        cookie: req.getHeader("cookie"),
        authorization: req.getHeader("authorization"),
        contentType: req.getHeader("content-type"),
      },
    };
    const headers = {
      ...corsHeaders(info.headers.origin, ctx.allowedOrigins),
      "X-Request-Id": info.requestId,
    };
    const needsBody = info.method === "POST" || info.method === "PUT" || info.method === "PATCH";
    const body = needsBody ? readBody(res, ctx.maxBodyBytes) : Promise.resolve(Buffer.alloc(0));
    body
      .then((b) => route({ ...info, body: b }))
      .catch((err: unknown) => {
        if (err instanceof HttpError) {
          return {
            status: err.status,
            body: err.errorCode
              ? { detail: err.detail, error_code: err.errorCode }
              : { detail: err.detail },
          };
        }
        ctx.onInternalError?.();
        ctx.log.error("request failed", {
          request_id: info.requestId,
          method: info.method,
          path: info.path,
          error: err,
        });
        return { status: 500, body: { detail: "Internal server error" } };
      })
      .then((reply) => {
        if (!aborted) res.cork(() => write(res, reply, headers));
      });
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
