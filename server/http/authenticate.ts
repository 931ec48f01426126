import type { User } from "../../domain/index.js";
import type { Store } from "../../store/index.js";
import { AuthError, httpToken, type TokenVerifier } from "../auth/index.js";
import type { Reply, RequestInfo } from "./handler.js";
import { HttpError } from "./http-error.js";

export interface AuthContext {
  verifier: TokenVerifier;
  store: Store;
}

/** The request's token: cookie `session` (or `token`), then `Authorization: Bearer`. */
export const requestToken = ({ headers }: RequestInfo) =>
  httpToken({ cookieHeader: headers.cookie, authorizationHeader: headers.authorization });

/** Verifies the request's token and returns its user, created on first sight. */
export async function authenticate(ctx: AuthContext, req: RequestInfo): Promise<User> {
  const token = requestToken(req);
  if (!token) {
    throw new HttpError(
      401,
      "Missing authentication token. Provide either a session cookie or Authorization header with Bearer token",
      "AUTH_MISSING",
    );
  }
  try {
    return await ctx.store.users.ensure(await ctx.verifier.verify(token));
  } catch (err) {
    throw asUnauthorized(err);
  }
}

/** A route for signed-in users only, given the request's user. */
export const signedIn =
  (ctx: AuthContext, route: (req: RequestInfo, user: User) => Promise<Reply>) =>
  async (req: RequestInfo): Promise<Reply> =>
    route(req, await authenticate(ctx, req));

/** A failed authentication as 401 `{detail, error_code}`; any other error as it is. */
export function asUnauthorized(err: unknown): unknown {
  return err instanceof AuthError ? new HttpError(401, err.message, err.code) : err;
}
