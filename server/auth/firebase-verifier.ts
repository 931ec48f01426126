import { createHash } from "node:crypto";
import { getAuth, type Auth, type DecodedIdToken } from "firebase-admin/auth";
import { firebaseApp } from "../../store/firestore/firebase-app.js";
import type { Identity } from "../../domain/index.js";
import { authErrorFromFirebase, type FirebaseTokenKind } from "./firebase-errors.js";
import { TtlCache } from "./ttl-cache.js";
import { AuthError, type TokenVerifier } from "./verifier.js";

/** How old a sign-in may be for its ID token to be exchanged for a session cookie. */
export const RECENT_SIGN_IN_SECONDS = 5 * 60;

const ID_TOKEN_ISSUER = "https://securetoken.google.com/";

export interface FirebaseVerifierOptions {
  /** How long a verified token is trusted without asking Firebase again; 0 asks every time. */
  cacheTtlSeconds: number;
  cacheMaxEntries: number;
  now?: () => number;
}

/** The unverified `iss` claim: ID tokens and session cookies have different issuers. */
function issuer(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof claims !== "object" || claims === null || !("iss" in claims)) return undefined;
    return typeof claims.iss === "string" ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

function identityOf(claims: DecodedIdToken): Identity {
  const name: unknown = claims.name;
  return {
    uid: claims.uid,
    name: typeof name === "string" ? name : null,
    email: claims.email ?? null,
    picture: claims.picture ?? null,
  };
}

// The cache is keyed by digests, so it holds no usable credential.
const fingerprint = (token: string) => createHash("sha256").update(token).digest("base64url");

/**
 * Firebase session cookies, and raw ID tokens sent as Bearer, verified by firebase-admin with the
 * revocation check. Verified tokens are trusted for `cacheTtlSeconds` (never past their expiry),
 * so a revocation made elsewhere takes effect here within that time; `revoke` takes effect here
 * at once. Failures are never cached.
 */
export class FirebaseTokenVerifier implements TokenVerifier {
  readonly mode = "firebase";
  private readonly verified: TtlCache<Identity>;
  private readonly now: () => number;
  /** Bumped around every revocation, so a verification that overlapped one is not cached. */
  private revocations = 0;

  constructor(
    private readonly auth: Auth,
    options: FirebaseVerifierOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.verified = new TtlCache({
      ttlMs: options.cacheTtlSeconds * 1000,
      maxEntries: options.cacheMaxEntries,
      now: this.now,
    });
  }

  async verify(token: string): Promise<Identity> {
    const key = fingerprint(token);
    const cached = this.verified.get(key);
    if (cached) return cached;
    const revocations = this.revocations;
    const kind = issuer(token)?.startsWith(ID_TOKEN_ISSUER) ? "id" : "session";
    const claims = await this.check(token, kind);
    const identity = identityOf(claims);
    if (revocations === this.revocations) this.verified.set(key, identity, claims.exp * 1000);
    return identity;
  }

  /** Verifies an ID token whose sign-in is recent enough to start a session. Never cached. */
  async verifyRecentSignIn(idToken: string): Promise<Identity> {
    const claims = await this.check(idToken, "id");
    if (this.now() / 1000 - claims.auth_time > RECENT_SIGN_IN_SECONDS) {
      throw new AuthError(
        "AUTH_INVALID",
        "Recent sign-in required: sign in again and send the new ID token",
      );
    }
    return identityOf(claims);
  }

  async createSessionCookie(idToken: string, maxAgeSeconds: number): Promise<string> {
    try {
      return await this.auth.createSessionCookie(idToken, { expiresIn: maxAgeSeconds * 1000 });
    } catch (err) {
      throw authErrorFromFirebase(err, "id") ?? firebaseFault(err);
    }
  }

  /** Revokes every session and ID token of the user, everywhere, and forgets them here at once. */
  async revoke(uid: string): Promise<void> {
    this.forget(uid);
    try {
      await this.auth.revokeRefreshTokens(uid);
    } finally {
      this.forget(uid);
    }
  }

  private forget(uid: string): void {
    this.revocations += 1;
    this.verified.deleteWhere((identity) => identity.uid === uid);
  }

  private async check(token: string, kind: FirebaseTokenKind): Promise<DecodedIdToken> {
    try {
      return kind === "id"
        ? await this.auth.verifyIdToken(token, true)
        : await this.auth.verifySessionCookie(token, true);
    } catch (err) {
      throw authErrorFromFirebase(err, kind) ?? firebaseFault(err);
    }
  }
}

/** A failure that is not the token's fault; its text is for the log, never for the client. */
function firebaseFault(err: unknown): Error {
  const detail = err instanceof Error ? err.message : String(err);
  return new Error(`Firebase Auth failed: ${detail}`, { cause: err });
}

export interface FirebaseAuthConnection extends FirebaseVerifierOptions {
  projectId: string;
  /** `host:port` of the Auth emulator; production Firebase Auth when absent. */
  emulatorHost?: string;
}

export function openFirebaseVerifier(connection: FirebaseAuthConnection): FirebaseTokenVerifier {
  // firebase-admin reads the Auth emulator's address from the environment on every call; it has
  // no per-app setting.
  if (connection.emulatorHost) process.env.FIREBASE_AUTH_EMULATOR_HOST = connection.emulatorHost;
  return new FirebaseTokenVerifier(getAuth(firebaseApp(connection.projectId)), connection);
}
