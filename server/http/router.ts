import type { HttpRequest, HttpResponse, TemplatedApp } from "uWebSockets.js";
import {
  corsHeaders,
  errorReply,
  handle,
  writeReply,
  type HandlerContext,
  type Reply,
  type Route,
} from "./handler.js";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const WITHOUT_BODY = new Set(["GET", "HEAD", "OPTIONS"]);

const REGISTER = {
  GET: "get",
  POST: "post",
  PUT: "put",
  PATCH: "patch",
  DELETE: "del",
} as const;

/**
 * The app's HTTP routes. Every path answers the methods it takes, `HEAD` wherever it takes `GET`,
 * CORS preflights with `OPTIONS`, and any other method with 405 and `Allow`; unknown paths get 404.
 */
export class Router {
  private readonly methods = new Map<string, Set<string>>();
  private readonly upgrades = new Set<string>();

  constructor(
    private readonly app: TemplatedApp,
    private readonly ctx: HandlerContext,
  ) {}

  add(method: Method, pattern: string, route: Route, paramCount = 0): this {
    const handler = handle(this.ctx, route, paramCount);
    this.app[REGISTER[method]](pattern, handler);
    this.allow(pattern, method);
    if (method === "GET") {
      this.app.head(pattern, handler);
      this.allow(pattern, "HEAD");
    }
    return this;
  }

  /** A WebSocket path: only upgrades are served there. */
  addUpgrade(pattern: string): this {
    this.upgrades.add(pattern);
    this.allow(pattern, "GET");
    return this;
  }

  /** Registers the 405s, the preflights and the 404; call once, after every route. */
  finish(): void {
    for (const [pattern, methods] of this.methods) {
      const allow = [...methods, "OPTIONS"].join(", ");
      const upgradeOnly = this.upgrades.has(pattern);
      this.app.any(
        pattern,
        this.fallback(allow, (method) => this.refusal(method, upgradeOnly)),
      );
    }
    this.app.any(
      "/*",
      this.fallback(undefined, () => ({ status: 404, body: { detail: "Not Found" } })),
    );
  }

  private allow(pattern: string, method: string): void {
    const methods = this.methods.get(pattern) ?? new Set<string>();
    methods.add(method);
    this.methods.set(pattern, methods);
  }

  private refusal(method: string, upgradeOnly: boolean): Reply {
    if (upgradeOnly && (method === "GET" || method === "HEAD")) {
      return { status: 426, body: { detail: "This path serves WebSocket upgrades only" } };
    }
    return { status: 405, body: { detail: "Method Not Allowed" } };
  }

  /** Answers synchronously: a preflight for `OPTIONS`, otherwise `answer`. */
  private fallback(allow: string | undefined, answer: (method: string) => Reply) {
    return (res: HttpResponse, req: HttpRequest) => {
      let method = "GET";
      let reply: Reply;
      let cors: Record<string, string> = {};
      try {
        method = req.getCaseSensitiveMethod().toUpperCase();
        cors = corsHeaders(req.getHeader("origin"), this.ctx.allowedOrigins);
        reply = method === "OPTIONS" ? { status: 204, body: null } : answer(method);
      } catch (err) {
        reply = errorReply(err, this.ctx, { method });
      }
      const headers = allow ? { ...cors, Allow: allow } : cors;
      // The body of a refused request is never read, so the connection cannot be reused.
      writeReply(res, method, reply, headers, !WITHOUT_BODY.has(method));
    };
  }
}
