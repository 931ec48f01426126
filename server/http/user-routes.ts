import { z } from "zod";
import type { User } from "../../domain/index.js";
import { authenticate, type AuthContext } from "./authenticate.js";
import { jsonBody, type Route } from "./handler.js";
import { HttpError } from "./http-error.js";

const UserUpdate = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  learning_style: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
});

const profile = (user: User) => ({ ...user, enrolled_missions: [] as string[] });

export function profileRoute(ctx: AuthContext): Route {
  return async (req) => ({ status: 200, body: profile(await authenticate(ctx, req)) });
}

/** `PUT /api/v1/user/update`: name and/or learning_style; other keys are ignored. */
export function updateUserRoute(ctx: AuthContext): Route {
  return async (req) => {
    const user = await authenticate(ctx, req);
    const parsed = UserUpdate.safeParse(jsonBody(req));
    if (!parsed.success) {
      throw new HttpError(422, "name must be non-empty text and learning_style a list of text");
    }
    const updated = await ctx.store.users.update(user.id, parsed.data);
    if (!updated) throw new HttpError(404, "User not found");
    return { status: 200, body: profile(updated) };
  };
}

export function enrolledMissionsRoute(ctx: AuthContext): Route {
  return async (req) => {
    const user = await authenticate(ctx, req);
    return { status: 200, body: await ctx.store.enrollments.listForUser(user.id) };
  };
}
