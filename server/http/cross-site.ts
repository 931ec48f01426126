import { parseCookies } from "../auth/index.js";
import type { RequestInfo } from "./handler.js";
import { HttpError } from "./http-error.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * True when `origin` is one of `allowed` (or `allowed` holds `*`), or is the server's own origin:
 * the one whose host and port the request was sent to.
 */
export function isAllowedOrigin(origin: string, host: string, allowed: readonly string[]): boolean {
  if (!origin) return false;
  if (allowed.includes("*") || allowed.includes(origin)) return true;
  try {
    return host !== "" && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Whether the request carries one of the cookies that sign a user in. */
export function hasSessionCookie(cookieHeader: string): boolean {
  if (!cookieHeader) return false;
  const cookies = parseCookies(cookieHeader);
  return Boolean(cookies.get("session") || cookies.get("token"));
}

/**
 * Refuses a state change that another site could have made the browser send. A request with an
 * `Authorization` header proves itself (no page can add one to a cross-site request without a
 * preflight we refuse); otherwise a browser's `Origin` must be allowed, and a request the session
 * cookie would authenticate must say where it comes from and be JSON, which no plain form can send.
 */
export function refuseCrossSite(
  { method, headers }: Pick<RequestInfo, "method" | "headers">,
  allowed: readonly string[],
): void {
  if (!STATE_CHANGING.has(method.toUpperCase()) || headers.authorization.trim() !== "") return;
  const originAllowed = isAllowedOrigin(headers.origin, headers.host, allowed);
  if (headers.origin && !originAllowed) {
    throw new HttpError(
      403,
      "Cross-site request refused: this Origin is not allowed",
      "CROSS_SITE",
    );
  }
  if (!hasSessionCookie(headers.cookie)) return;
  if (!originAllowed) {
    throw new HttpError(
      403,
      "Cross-site request refused: a change made with the session cookie needs the Origin header of an allowed site (or send Authorization: Bearer)",
      "CROSS_SITE",
    );
  }
  if (!JSON_TYPE.test(headers.contentType)) {
    throw new HttpError(
      415,
      "A change made with the session cookie needs Content-Type: application/json",
      "CROSS_SITE",
    );
  }
}
