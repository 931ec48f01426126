import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Identity } from "../../domain/index.js";
import { AuthError, type TokenVerifier } from "./verifier.js";

const SECRET_FILE = "local-auth-secret";

interface LocalClaims {
  sub: string;
  email: string;
  name: string;
  iat: number;
  exp: number;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** Reads the signing secret from the data folder, generating it on first start. */
export function loadOrCreateSecret(dataDir: string): Buffer {
  const path = join(dataDir, SECRET_FILE);
  try {
    return Buffer.from(readFileSync(path, "utf8").trim(), "base64url");
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32);
    writeFileSync(path, secret.toString("base64url"), { mode: 0o600, flag: "wx" });
    return secret;
  }
}

/** The uid a local sign-in gets: stable per email, so signing in again finds the same user. */
export function localUid(email: string): string {
  return (
    "local_" + createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 24)
  );
}

/** HS256 session tokens signed by this server, for the embedded default with no Firebase. */
export class LocalTokenVerifier implements TokenVerifier {
  readonly mode = "local";

  constructor(
    private readonly secret: Buffer,
    private readonly ttlSeconds: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  issue(input: { email: string; name: string }): { token: string; uid: string; expiresIn: number } {
    const iat = Math.floor(this.now() / 1000);
    const claims: LocalClaims = {
      sub: localUid(input.email),
      email: input.email.trim(),
      name: input.name.trim(),
      iat,
      exp: iat + this.ttlSeconds,
    };
    const head = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = base64url(JSON.stringify(claims));
    const token = `${head}.${body}.${this.sign(`${head}.${body}`)}`;
    return { token, uid: claims.sub, expiresIn: this.ttlSeconds };
  }

  async verify(token: string): Promise<Identity> {
    const parts = token.split(".");
    if (parts.length !== 3) throw new AuthError("TOKEN_INVALID", "Invalid authentication token");
    const [head, body, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${head}.${body}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new AuthError("TOKEN_INVALID", "Invalid authentication token");
    }
    let claims: LocalClaims;
    try {
      claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as LocalClaims;
    } catch {
      throw new AuthError("TOKEN_INVALID", "Invalid authentication token");
    }
    if (typeof claims.sub !== "string" || typeof claims.exp !== "number") {
      throw new AuthError("TOKEN_INVALID", "Invalid authentication token");
    }
    if (claims.exp * 1000 <= this.now()) throw new AuthError("TOKEN_EXPIRED", "Token expired");
    return { uid: claims.sub, email: claims.email ?? null, name: claims.name ?? null };
  }

  private sign(data: string): string {
    return createHmac("sha256", this.secret).update(data).digest("base64url");
  }
}
