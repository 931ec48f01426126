import type { Identity } from "../../domain/index.js";

export type AuthErrorCode =
  | "AUTH_MISSING"
  | "AUTH_INVALID"
  | "TOKEN_EXPIRED"
  | "TOKEN_REVOKED"
  | "TOKEN_INVALID"
  | "SESSION_EXPIRED"
  | "SESSION_REVOKED"
  | "SESSION_INVALID";

/** A failed authentication; `message` is safe to show to the client. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Turns a bearer token into the identity it proves, or throws `AuthError`. */
export interface TokenVerifier {
  readonly mode: "local" | "firebase";
  verify(token: string): Promise<Identity>;
}
