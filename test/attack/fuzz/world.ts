import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LocalTokenVerifier } from "../../../server/auth/index.js";
import { GIT_MISSION } from "../../support/missions.js";
import type { LiveServer } from "../support/live-server.js";

export interface Learner {
  token: string;
  uid: string;
  sessionId: string;
  /** A private mission they created and are enrolled in. */
  missionId: string;
}

/** Tokens an attacker can make up, each for Ada's uid where it names one. */
export interface BadTokens {
  forged: string;
  expired: string;
  algNone: string;
  wrongKey: string;
  garbage: string;
  huge: string;
}

/** Who and what the fuzzer attacks with: two learners with their own data, and bad tokens. */
export interface World {
  server: LiveServer;
  host: string;
  port: number;
  ada: Learner;
  bob: Learner;
  publicMissionId: string;
  bad: BadTokens;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function post(server: LiveServer, path: string, token: string, body?: object) {
  const res = await fetch(`${server.http}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}`);
  return (await res.json()) as Record<string, { id: string }> & { session_id: string };
}

async function learner(server: LiveServer, email: string): Promise<Learner> {
  const token = await server.login(email);
  const [, payload = ""] = token.split(".");
  const { sub } = JSON.parse(Buffer.from(payload, "base64url").toString()) as { sub: string };
  const sessionId = await server.createSession(token);
  const created = await post(server, "/api/v1/missions/enrollment", token, GIT_MISSION);
  return { token, uid: sub, sessionId, missionId: created.mission!.id };
}

export async function buildWorld(server: LiveServer, dataDir: string): Promise<World> {
  const ada = await learner(server, "ada@example.com");
  const bob = await learner(server, "bob@example.com");
  const made = await post(server, "/api/v1/missions/enrollment", bob.token, {
    ...GIT_MISSION,
    title: "Open to all",
    is_public: true,
  });
  const secret = Buffer.from(
    readFileSync(join(dataDir, "local-auth-secret"), "utf8").trim(),
    "base64url",
  );
  const [head, body, signature = ""] = ada.token.split(".");
  const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
  const lastWeek = () => Date.now() - 7 * 24 * 3600 * 1000;
  const now = Math.floor(Date.now() / 1000);
  return {
    server,
    host: `127.0.0.1:${server.proc.port}`,
    port: server.proc.port,
    ada,
    bob,
    publicMissionId: made.mission!.id,
    bad: {
      forged: `${head}.${body}.${flipped}`,
      expired: new LocalTokenVerifier(secret, 60, lastWeek).issue({
        email: "ada@example.com",
        name: "Ada",
      }).token,
      algNone: `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: ada.uid, email: "ada@example.com", iat: now, exp: now + 3600 })}.`,
      wrongKey: new LocalTokenVerifier(Buffer.alloc(32, 7), 3600).issue({
        email: "ada@example.com",
        name: "Ada",
      }).token,
      garbage: "not-a-token",
      huge: "x".repeat(20_000),
    },
  };
}
