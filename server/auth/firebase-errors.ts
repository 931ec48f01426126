import { AuthError, type AuthErrorCode } from "./verifier.js";

/** Which verification failed: a session cookie's or an ID token's. */
export type FirebaseTokenKind = "session" | "id";

type Answer = [AuthErrorCode, string];

const BY_KIND: Record<FirebaseTokenKind, Record<string, Answer>> = {
  session: {
    "auth/session-cookie-expired": ["SESSION_EXPIRED", "Session expired"],
    "auth/session-cookie-revoked": ["SESSION_REVOKED", "Session revoked"],
    "auth/argument-error": ["SESSION_INVALID", "Invalid session"],
    "auth/invalid-argument": ["SESSION_INVALID", "Invalid session"],
  },
  id: {
    "auth/id-token-expired": ["TOKEN_EXPIRED", "ID token expired"],
    "auth/id-token-revoked": ["TOKEN_REVOKED", "ID token revoked"],
    "auth/argument-error": ["TOKEN_INVALID", "Invalid ID token"],
    "auth/invalid-argument": ["TOKEN_INVALID", "Invalid ID token"],
    "auth/invalid-id-token": ["TOKEN_INVALID", "Invalid ID token"],
  },
};

const ACCOUNT: Record<string, Answer> = {
  "auth/user-disabled": ["AUTH_INVALID", "User account disabled"],
  "auth/user-not-found": ["AUTH_INVALID", "User account not found"],
};

/**
 * The client-facing `AuthError` for a firebase-admin verification failure, or undefined when the
 * failure is not the token's fault (Firebase unreachable, missing credentials), which callers
 * treat as a server fault. Firebase's own messages name claims and project ids, so they stay here.
 */
export function authErrorFromFirebase(
  err: unknown,
  kind: FirebaseTokenKind,
): AuthError | undefined {
  const code = typeof err === "object" && err !== null && "code" in err ? err.code : undefined;
  if (typeof code !== "string") return undefined;
  const answer = BY_KIND[kind][code] ?? ACCOUNT[code];
  return answer && new AuthError(...answer);
}
