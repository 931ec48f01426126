import { allyThreadId, commanderThreadId, enrollmentId } from "../../../domain/index.js";
import { GIT_MISSION } from "../../support/missions.js";
import type { Random } from "./random.js";
import { rawRequest } from "./raw-http.js";
import type { World } from "./world.js";

/** What an answer may be. Any 5xx, and any silence not allowed here, fails the input. */
export interface HttpExpectation {
  /** The statuses this input may get; any other fails it. */
  statuses?: number[];
  /** The input must not succeed: a bad token, another user's data, a cross-site change. */
  never2xx?: boolean;
  /** Bytes no HTTP parser should take: the server may close the connection or ignore them. */
  mayDrop?: boolean;
}

export interface HttpInput {
  category: string;
  method: string;
  request: Buffer;
  expect: HttpExpectation;
}

/** Refusals a bad or missing credential can meet before or at authentication. */
const REFUSED = [400, 401, 403, 404, 405, 413, 415, 426];

const BAD_ENCODINGS = ["%", "%Z", "%ZZ", "%E0%A4%A", "%ED%A0%80", "%C0%AF", "%%", "%FF%FE", "a%"];
const ODD_IDS = [
  "..",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "%00",
  "%27%20OR%201%3D1%20--",
  "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
  "%F0%9F%92%A5",
  "%E2%80%AE",
  "__proto__",
  "constructor",
  "null",
  "-1",
  "1e309",
  "%20",
  "%0d%0aSet-Cookie:%20x=1",
];

const ID_ROUTES = [
  ["GET", "/api/v1/sessions/"],
  ["GET", "/api/v1/missions/"],
  ["PATCH", "/api/v1/missions/"],
  ["GET", "/graphs/"],
  ["GET", "/graphs/assets/"],
] as const;

const AUTHENTICATED = [
  ["POST", "/api/v1/sessions"],
  ["POST", "/api/v1/sessions/"],
  ["GET", "/api/v1/user/profile"],
  ["PUT", "/api/v1/user/update"],
  ["GET", "/api/v1/user/enrolled-missions"],
  ["POST", "/api/v1/missions/enrollment"],
] as const;

const EVERY_PATH = [
  "/health",
  "/api/health",
  "/api/v1/sessions",
  "/api/v1/sessions/",
  "/api/v1/sessions/abc",
  "/api/v1/user/profile",
  "/api/v1/user/update",
  "/api/v1/user/enrolled-missions",
  "/api/v1/missions/enrollment",
  "/api/v1/missions/abc",
  "/graphs",
  "/graphs/",
  "/graphs/mission_ally",
  "/graphs/assets/graph-page.js",
  "/api/v1/protocol/schema.json",
  "/api/v1/auth/dev-login",
  "/api/v1/mission-commander/ws",
  "/api/v1/mission-ally/ws",
  "/nope",
  "/",
];

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function oddId(rng: Random): string {
  switch (rng.int(4)) {
    case 0:
      return rng.pick(BAD_ENCODINGS);
    case 1:
      return rng.pick(ODD_IDS);
    case 2:
      return rng.text(1 + rng.int(3000));
    default:
      return rng.text(rng.int(12)) + rng.pick(BAD_ENCODINGS) + rng.text(rng.int(12));
  }
}

/** JSON that is broken, nested too deep, of the wrong shape or type, or too big. */
export function hostileJson(rng: Random): string {
  const depth = 1 + rng.int(50_000);
  switch (rng.int(12)) {
    case 0:
      return "{".repeat(1 + rng.int(10));
    case 1:
      return "[".repeat(depth) + "]".repeat(depth);
    case 2:
      return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
    case 3:
      return JSON.stringify({
        ...GIT_MISSION,
        byte_size_checkpoints: rng.pick([[], "x", null, 5]),
      });
    case 4:
      return JSON.stringify({
        ...GIT_MISSION,
        title: rng.pick([5, null, [], {}, "", "x".repeat(300)]),
      });
    case 5:
      return '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}';
    case 6:
      return JSON.stringify(rng.pick([null, 1, "text", true, [1, 2]]));
    case 7:
      return JSON.stringify({
        name: "x".repeat(rng.int(100_000)),
        learning_style: rng.pick([[], [""], "x"]),
      });
    case 8:
      return JSON.stringify({
        email: rng.pick(["", "a", "@", "x@y", `${rng.text(400)}@example.com`]),
      });
    case 9:
      return rng.bytes(rng.int(200)).toString("latin1");
    case 10:
      return JSON.stringify({ id_token: rng.pick(["", "x", "x".repeat(20_000)]) });
    default:
      return JSON.stringify({
        ...GIT_MISSION,
        skills: Array.from({ length: rng.int(50) }, () => rng.text(5)),
      });
  }
}

type Generator = (world: World, rng: Random) => HttpInput;

const request = (
  world: World,
  category: string,
  method: string,
  target: string,
  headers: [string, string][],
  expect: HttpExpectation,
  body?: string | Buffer,
): HttpInput => ({
  category,
  method,
  request: rawRequest(
    world.host,
    method,
    target,
    headers,
    body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"),
  ),
  expect,
});

const bearer = (token: string): [string, string] => ["Authorization", `Bearer ${token}`];
const JSON_TYPE: [string, string] = ["Content-Type", "application/json"];

export const HTTP_GENERATORS: Record<string, Generator> = {
  /** Malformed, overlong and odd ids in every path that takes one. */
  "odd path ids": (world, rng) => {
    const [method, prefix] = rng.pick(ID_ROUTES);
    return request(
      world,
      "odd path ids",
      method,
      prefix + oddId(rng),
      [bearer(world.ada.token), JSON_TYPE],
      { never2xx: prefix !== "/graphs/" },
      method === "PATCH" ? "{}" : undefined,
    );
  },

  /** Forged, expired, alg:none, foreign-key, garbage and huge tokens, as header or cookie. */
  "bad tokens": (world, rng) => {
    const [method, path] = rng.pick(AUTHENTICATED);
    const token = rng.pick(Object.values(world.bad));
    const asCookie = rng.chance(0.5);
    const headers: [string, string][] = [
      asCookie ? ["Cookie", `session=${token}`] : bearer(token),
      ["Origin", `http://${world.host}`],
      JSON_TYPE,
    ];
    const body = method === "GET" ? undefined : JSON.stringify({ ...GIT_MISSION, name: "Eve" });
    return request(
      world,
      "bad tokens",
      method,
      path,
      headers,
      { never2xx: true, statuses: REFUSED },
      body,
    );
  },

  /** Ada's valid token on Bob's session, private mission and conversations. */
  "other users' ids": (world, rng) => {
    const { bob } = world;
    const targets: [string, string, string?][] = [
      ["GET", `/api/v1/sessions/${bob.sessionId}`],
      ["GET", `/api/v1/missions/${bob.missionId}`],
      ["PATCH", `/api/v1/missions/${bob.missionId}`, JSON.stringify({ title: "Taken over" })],
      [
        "PATCH",
        `/api/v1/missions/${world.publicMissionId}`,
        JSON.stringify({ title: "Taken over" }),
      ],
      ["GET", `/graphs/mission_commander?session_id=${bob.sessionId}`],
      ["GET", `/graphs/mission_commander?thread=${commanderThreadId(bob.sessionId)}`],
      ["GET", `/graphs/mission_ally?thread=${allyThreadId(enrollmentId(bob.uid, bob.missionId))}`],
      ["GET", `/graphs/mission_ally?mission_id=${bob.missionId}`],
    ];
    const [method, target, body] = rng.pick(targets);
    const headers: [string, string][] = [bearer(world.ada.token), JSON_TYPE];
    return request(world, "other users' ids", method, target, headers, { never2xx: true }, body);
  },

  /** Broken, nested, mistyped and oversized bodies on every route that reads one. */
  "hostile bodies": (world, rng) => {
    const [method, path] = rng.pick([
      ["POST", "/api/v1/missions/enrollment"],
      ["PUT", "/api/v1/user/update"],
      ["PATCH", `/api/v1/missions/${world.ada.missionId}`],
      ["POST", "/api/v1/auth/dev-login"],
      ["POST", "/api/v1/sessions"],
    ] as const);
    const body = rng.chance(0.02) ? "x".repeat(300 * 1024) : hostileJson(rng);
    return request(
      world,
      "hostile bodies",
      method,
      path,
      [bearer(world.ada.token), JSON_TYPE],
      {},
      body,
    );
  },

  /** Huge headers and cookies, odd content types and origins, bytes outside ASCII. */
  "odd headers": (world, rng) => {
    const headers: [string, string][] = [bearer(world.ada.token)];
    switch (rng.int(5)) {
      case 0:
        headers.push(["X-Filler", "a".repeat(1000 + rng.int(60_000))]);
        break;
      case 1:
        headers.push([
          "Cookie",
          Array.from({ length: 1 + rng.int(400) }, (_, i) => `c${i}=${rng.text(20)}`).join("; "),
        ]);
        break;
      case 2:
        headers.push(["Cookie", `session=${rng.pick(["%", "%ZZ", ";;;", "=", rng.text(5000)])}`]);
        break;
      case 3:
        headers.push([
          "Content-Type",
          rng.pick(["", "text/plain", "application/json; charset=\u00ff", "*/*", "x".repeat(3000)]),
        ]);
        break;
      default:
        headers.push([
          "Origin",
          rng.pick(["null", "http://evil.example", "://", "http://[::1", rng.text(2000)]),
        ]);
    }
    const method = rng.pick(METHODS);
    const body = ["POST", "PUT", "PATCH"].includes(method) ? "{}" : undefined;
    return request(
      world,
      "odd headers",
      method,
      rng.pick(EVERY_PATH),
      headers,
      { mayDrop: true },
      body,
    );
  },

  /** Every method on every path, signed in or not. */
  methods: (world, rng) => {
    const method = rng.pick(METHODS);
    const headers: [string, string][] = rng.chance(0.5) ? [bearer(world.ada.token)] : [];
    const body = ["POST", "PUT", "PATCH", "DELETE"].includes(method) ? "" : undefined;
    return request(world, "methods", method, rng.pick(EVERY_PATH), headers, {}, body);
  },

  /** State changes riding on Ada's cookie from another site, or as a plain form would send them. */
  "cross-site": (world, rng) => {
    const origin = rng.pick(["http://evil.example", "null", `http://${world.host}`, undefined]);
    const type = rng.pick([
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data",
    ]);
    const headers: [string, string][] = [
      ["Cookie", `session=${world.ada.token}`],
      ["Content-Type", type],
    ];
    if (origin) headers.push(["Origin", origin]);
    const [method, path] = rng.pick([
      ["POST", "/api/v1/missions/enrollment"],
      ["PUT", "/api/v1/user/update"],
      ["PATCH", `/api/v1/missions/${world.ada.missionId}`],
      ["POST", "/api/v1/sessions"],
    ] as const);
    const expect = { never2xx: true, statuses: [403, 415] };
    return request(world, "cross-site", method, path, headers, expect, JSON.stringify(GIT_MISSION));
  },

  /** Bytes that are not HTTP at all, or barely: uWS drops or ignores them. */
  "raw bytes": (world, rng) => {
    const bytes = rng.pick([
      () => rng.bytes(1 + rng.int(500)),
      () =>
        rawRequest(world.host, rng.pick(METHODS), rng.pick(EVERY_PATH), [
          [
            "X-Bytes",
            rng
              .bytes(1 + rng.int(100))
              .toString("latin1")
              .replace(/[\r\n]/g, ""),
          ],
        ]),
      () => Buffer.from(`GET /${rng.text(10)} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`),
      () =>
        Buffer.from(
          `POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
        ),
      () => Buffer.from(`${rng.text(8).toUpperCase()} /health HTTP/1.1\r\nHost: x\r\n\r\n`),
      () => Buffer.from(`GET /health HTTP/9.9\r\n\r\n`),
    ])();
    return { category: "raw bytes", method: "GET", request: bytes, expect: { mayDrop: true } };
  },
};
