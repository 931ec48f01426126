import type { CommanderSession } from "../../domain/index.js";
import { signedIn, type AuthContext } from "./authenticate.js";
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

export const createSessionRoute = (ctx: AuthContext) =>
  signedIn(ctx, async (_req, user) => ({
    status: 201,
    body: sessionBody(await ctx.store.commanderSessions.create(user.id)),
  }));

export const getSessionRoute = (ctx: AuthContext) =>
  signedIn(ctx, async (req, user) => {
    const id = req.params[0] ?? "";
    const session = await ctx.store.commanderSessions.get(id);
    if (!session) throw new HttpError(404, `Session with ID '${id.slice(0, 64)}' not found.`);
    if (session.user_id !== user.id) {
      throw new HttpError(403, "You don't have permission to access this session.");
    }
    return { status: 200, body: sessionBody(session) };
  });
