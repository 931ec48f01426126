import { z } from "zod";
import type { User } from "../../domain/index.js";
import { signedIn, type AuthContext } from "./authenticate.js";
import { jsonBody } from "./handler.js";
import { HttpError } from "./http-error.js";

const UserUpdate = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  learning_style: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
});

const profile = (user: User) => ({ ...user, enrolled_missions: [] as string[] });

export const profileRoute = (ctx: AuthContext) =>
  signedIn(ctx, async (_req, user) => ({ status: 200, body: profile(user) }));

/** `PUT /api/v1/user/update`: name and/or learning_style; other keys are ignored. */
export const updateUserRoute = (ctx: AuthContext) =>
  signedIn(ctx, async (req, user) => {
    const parsed = UserUpdate.safeParse(jsonBody(req));
    if (!parsed.success) {
      throw new HttpError(422, "name must be non-empty text and learning_style a list of text");
    }
    const updated = await ctx.store.users.update(user.id, parsed.data);
    if (!updated) throw new HttpError(404, "User not found");
    return { status: 200, body: profile(updated) };
  });

export const enrolledMissionsRoute = (ctx: AuthContext) =>
  signedIn(ctx, async (_req, user) => ({
    status: 200,
    body: await ctx.store.enrollments.listForUser(user.id),
  }));
