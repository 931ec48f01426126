import { timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { RawBody, type Route } from "../http/handler.js";
import { HttpError } from "../http/http-error.js";
import type { ServerMetrics } from "./metrics.js";

/** `GET /ready`: 503 while the server drains or its store does not answer; 200 otherwise. */
export function readyRoute(isDraining: () => boolean, storeAnswers: () => Promise<boolean>): Route {
  return async () => {
    if (isDraining()) return { status: 503, body: { status: "draining" } };
    if (!(await storeAnswers())) return { status: 503, body: { status: "store_unreachable" } };
    return { status: 200, body: { status: "ready" } };
  };
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * uWS gives IPv4 peers as dotted quads, and IPv6 peers as eight full hex groups: `::1` as
 * 0000:…:0001, and on a dual-stack socket 127.0.0.1 as 0000:…:ffff:7f00:0001.
 */
function isLoopback(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith("127.");
  const groups = address.split(":").map((group) => parseInt(group, 16));
  if (groups.length !== 8) return false;
  const zerosUpTo = (end: number) => groups.slice(0, end).every((group) => group === 0);
  const ipv6Loopback = zerosUpTo(7) && groups[7] === 1;
  const mappedIpv4Loopback = zerosUpTo(5) && groups[5] === 0xffff && (groups[6] ?? 0) >> 8 === 127;
  return ipv6Loopback || mappedIpv4Loopback;
}

/**
 * `GET /metrics`, in Prometheus' text format. With a token configured, a scraper must send it as
 * `Authorization: Bearer …`; without one, only clients on this machine (a sidecar, `curl
 * localhost`) may scrape.
 */
export function metricsRoute(metrics: ServerMetrics, token: string | undefined): Route {
  return async (req) => {
    if (token) {
      const given = /^Bearer (.+)$/i.exec(req.headers.authorization)?.[1] ?? "";
      if (!sameSecret(given, token)) throw new HttpError(401, "A valid metrics token is required");
    } else if (!isLoopback(req.remoteAddress)) {
      throw new HttpError(
        403,
        "Metrics are served to this machine only unless METRICS_TOKEN is set",
      );
    }
    return {
      status: 200,
      body: new RawBody(metrics.contentType, await metrics.scrape()),
      headers: { "Cache-Control": "no-store" },
    };
  };
}
