import { randomBytes } from "node:crypto";
import type { FirebaseEmulators } from "./emulator-context.js";

export interface EmulatorUser {
  uid: string;
  /** An ID token from a sign-in that just happened. */
  idToken: string;
  email?: string;
}

const PASSWORD = "correct-horse-battery";

/**
 * Accounts on this run's Auth emulator, through its REST API: what a client app does with the
 * Firebase SDK (sign up, sign in) and what an administrator does (revoke, disable). Every account
 * gets a unique email, so suites sharing the emulator never meet.
 */
export function authEmulatorAccounts(emulators: FirebaseEmulators) {
  const api = `http://${emulators.authHost}/identitytoolkit.googleapis.com/v1`;
  const project = `${api}/projects/${emulators.projectId}`;

  const call = async (url: string, body: object, admin = false) => {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        // The emulator's stand-in for an administrator's credentials.
        ...(admin ? { Authorization: "Bearer owner" } : {}),
      },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Auth emulator ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const text = (answer: Record<string, unknown>, field: string): string => {
    const value = answer[field];
    if (typeof value !== "string") throw new Error(`The Auth emulator sent no ${field}`);
    return value;
  };
  const update = (uid: string, change: object) =>
    call(`${project}/accounts:update`, { localId: uid, ...change }, true);

  return {
    uniqueEmail: (name: string) => `${name}-${randomBytes(5).toString("hex")}@example.com`,

    /** Signs up with an email (and a password), or anonymously when there is none. */
    async signUp(profile: { email?: string; displayName?: string } = {}): Promise<EmulatorUser> {
      const withEmail = profile.email ? { password: PASSWORD } : {};
      const res = await call(`${api}/accounts:signUp?key=any`, {
        ...profile,
        ...withEmail,
        returnSecureToken: true,
      });
      return { uid: text(res, "localId"), idToken: text(res, "idToken"), email: profile.email };
    },

    /** A fresh sign-in with the password: a new ID token whose `auth_time` is now. */
    async signIn(email: string): Promise<string> {
      const res = await call(`${api}/accounts:signInWithPassword?key=any`, {
        email,
        password: PASSWORD,
        returnSecureToken: true,
      });
      return text(res, "idToken");
    },

    /** Changes the profile; the next sign-in's tokens carry it. */
    setProfile: (uid: string, profile: { displayName?: string; photoUrl?: string }) =>
      update(uid, profile),

    /** Revokes every token issued before now, as firebase-admin's `revokeRefreshTokens` does. */
    revoke: (uid: string) => update(uid, { validSince: String(Math.floor(Date.now() / 1000)) }),

    /** Moves the user's revocation time into the past, so older sign-ins still count. */
    validSince: (uid: string, seconds: number) => update(uid, { validSince: String(seconds) }),

    setDisabled: (uid: string, disabled: boolean) => update(uid, { disableUser: disabled }),
  };
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

/**
 * The emulator's tokens are unsigned JWTs (`alg: none`), and firebase-admin accepts exactly those
 * while FIREBASE_AUTH_EMULATOR_HOST is set. This re-issues one with some claims changed, which is
 * how tests get tokens that the emulator cannot make: expired, from another project, or old.
 */
export function withClaims(jwt: string, changes: Record<string, unknown>): string {
  return `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ ...claimsOf(jwt), ...changes })}.`;
}

/** The same claims under an RS256 header with a made-up key id and signature. */
export function forgedSignature(jwt: string): string {
  const header = b64url({ alg: "RS256", kid: "forged", typ: "JWT" });
  return `${header}.${jwt.split(".")[1]}.${randomBytes(256).toString("base64url")}`;
}
