import { z } from "zod";
import type { Store } from "../../store/index.js";
import type { LocalTokenVerifier } from "../auth/index.js";
import { jsonBody, type Route } from "./handler.js";
import { HttpError } from "./http-error.js";
import { clearedSessionCookie, sessionCookie, type CookieSettings } from "./session-cookie.js";

const DevLogin = z.object({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200).optional(),
});

export interface DevLoginContext {
  verifier: LocalTokenVerifier;
  store: Store;
  cookie: CookieSettings;
}

/** Local mode only: signs in any email, creating its user, and sets the `session` cookie. */
export function devLoginRoute(ctx: DevLoginContext): Route {
  return async (req) => {
    const parsed = DevLogin.safeParse(jsonBody(req));
    if (!parsed.success) {
      throw new HttpError(422, 'Body must be {"email": a valid email, "name": optional text}');
    }
    const name = parsed.data.name ?? parsed.data.email.split("@")[0] ?? "Learner";
    const issued = ctx.verifier.issue({ email: parsed.data.email, name });
    await ctx.store.users.ensure({ uid: issued.uid, email: parsed.data.email, name });
    return {
      status: 200,
      body: { token: issued.token, uid: issued.uid, expires_in: issued.expiresIn },
      headers: { "Set-Cookie": sessionCookie(issued.token, issued.expiresIn, ctx.cookie) },
    };
  };
}

/**
 * Local mode's `POST /api/v1/auth/logout`: forgets the `session` cookie in this browser. Local
 * tokens cannot be revoked; they expire after `LOCAL_TOKEN_TTL_SECONDS`.
 */
export function localLogoutRoute(cookie: CookieSettings): Route {
  return () => ({
    status: 200,
    body: { message: "Signed out" },
    headers: { "Set-Cookie": clearedSessionCookie(cookie) },
  });
}
