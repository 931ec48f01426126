import type { CommanderSession } from "../../domain/index.js";
import type { Route } from "./handler.js";
import { authenticate, type AuthContext } from "./authenticate.js";
import { HttpError } from "./http-error.js";

function sessionBody(session: CommanderSession) {
  return {
    session_id: session.id,
    user_id: session.user_id,
    status: session.status,
    mission_id: session.mission_id,
    created_at: session.created_at,
    updated_at: session.updated_at,
  };
}

export function createSessionRoute(ctx: AuthContext): Route {
  return async (req) => {
    const user = await authenticate(ctx, req);
    const session = await ctx.store.commanderSessions.create(user.id);
    return { status: 201, body: sessionBody(session) };
  };
}

export function getSessionRoute(ctx: AuthContext): Route {
  return async (req) => {
    const user = await authenticate(ctx, req);
    const id = req.params[0] ?? "";
    const session = await ctx.store.commanderSessions.get(id);
    if (!session) throw new HttpError(404, `Session with ID '${id.slice(0, 64)}' not found.`);
    if (session.user_id !== user.id) {
      throw new HttpError(403, "You don't have permission to access this session.");
    }
    return { status: 200, body: sessionBody(session) };
  };
}
