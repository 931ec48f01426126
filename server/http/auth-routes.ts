import { z } from "zod";
import { AuthError, parseCookies, type FirebaseTokenVerifier } from "../auth/index.js";
import { asUnauthorized, requestToken } from "./authenticate.js";
import { jsonBody, type Reply, type RequestInfo, type Route } from "./handler.js";
import { HttpError } from "./http-error.js";
import { clearedSessionCookie, sessionCookie, type CookieSettings } from "./session-cookie.js";

const IdTokenBody = z.object({
  id_token: z
    .string()
    .min(1)
    .max(16 * 1024),
});

export interface AuthRoutesContext {
  firebase: FirebaseTokenVerifier;
  cookie: CookieSettings;
  sessionMaxAgeSeconds: number;
}

export interface AuthRoutes {
  createSession: Route;
  refreshSession: Route;
  logout: Route;
  sessionStatus: Route;
}

const orUnauthorized = <T>(work: Promise<T>): Promise<T> =>
  work.catch((err: unknown): never => {
    throw asUnauthorized(err);
  });

function idTokenOf(req: RequestInfo): string {
  const parsed = IdTokenBody.safeParse(jsonBody(req));
  if (!parsed.success) throw new HttpError(422, 'Body must be {"id_token": a Firebase ID token}');
  return parsed.data.id_token;
}

/**
 * Firebase mode's session routes under `/api/v1/auth`. They authenticate for themselves, so an
 * expired cookie never stands between a user and logging out.
 */
export function authRoutes(ctx: AuthRoutesContext): AuthRoutes {
  /** The user the `session` cookie (or Bearer token) still proves, if any. */
  const currentUid = async (req: RequestInfo): Promise<string | undefined> => {
    const token = requestToken(req);
    if (!token) return undefined;
    try {
      return (await ctx.firebase.verify(token)).uid;
    } catch (err) {
      if (err instanceof AuthError) return undefined;
      throw err;
    }
  };

  const issueCookie = async (
    idToken: string,
    uid: string,
    status: number,
    message: string,
  ): Promise<Reply> => {
    const cookie = await orUnauthorized(
      ctx.firebase.createSessionCookie(idToken, ctx.sessionMaxAgeSeconds),
    );
    return {
      status,
      body: { message, uid },
      headers: { "Set-Cookie": sessionCookie(cookie, ctx.sessionMaxAgeSeconds, ctx.cookie) },
    };
  };

  return {
    /** `POST /create-session {id_token}`: a session cookie for a sign-in at most 5 minutes old. */
    async createSession(req) {
      const idToken = idTokenOf(req);
      const identity = await orUnauthorized(ctx.firebase.verifyRecentSignIn(idToken));
      return issueCookie(idToken, identity.uid, 201, "Session created successfully");
    },

    /** `POST /refresh-session {id_token}`: a new cookie from a fresh sign-in of the same user. */
    async refreshSession(req) {
      const idToken = idTokenOf(req);
      const identity = await orUnauthorized(ctx.firebase.verifyRecentSignIn(idToken));
      const current = await currentUid(req);
      if (current !== undefined && current !== identity.uid) {
        throw new HttpError(
          401,
          "The ID token belongs to another user than the current session",
          "AUTH_INVALID",
        );
      }
      return issueCookie(idToken, identity.uid, 200, "Session refreshed successfully");
    },

    /** `POST /logout`: revokes the user's sessions everywhere when a token proves who it is. */
    async logout(req) {
      const uid = await currentUid(req);
      if (uid !== undefined) await ctx.firebase.revoke(uid);
      return {
        status: 200,
        body: { message: "Logged out successfully", uid: null },
        headers: { "Set-Cookie": clearedSessionCookie(ctx.cookie) },
      };
    },

    /** `GET /session-status`: checks the `session` cookie alone. */
    async sessionStatus(req) {
      const cookie = parseCookies(req.headers.cookie).get("session");
      if (!cookie) throw new HttpError(401, "No session cookie found", "AUTH_MISSING");
      const identity = await orUnauthorized(ctx.firebase.verify(cookie));
      return { status: 200, body: { message: "Session is valid", uid: identity.uid } };
    },
  };
}
