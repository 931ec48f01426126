import { z } from "zod";

/** A learner, keyed by the uid their sign-in proves (a Firebase uid, or the local issuer's). */
export const UserSchema = z.object({
  id: z.string(),
  firebase_uid: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  picture: z.string().nullable(),
  learning_style: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type User = z.infer<typeof UserSchema>;

/** Who a verified token says the caller is. */
export interface Identity {
  uid: string;
  name?: string | null;
  email?: string | null;
  picture?: string | null;
}

/** What a learner may change about themselves. */
export interface UserPatch {
  name?: string;
  learning_style?: string[];
}

/** The user first seen with `identity`. */
export function newUser(identity: Identity, now: string): User {
  return {
    id: identity.uid,
    firebase_uid: identity.uid,
    name: identity.name ?? null,
    email: identity.email ?? null,
    picture: identity.picture ?? null,
    learning_style: [],
    created_at: now,
    updated_at: now,
  };
}

/** The fields a patch changes, stamped with `now`. */
export function userChanges(patch: UserPatch, now: string): Partial<User> {
  return {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.learning_style !== undefined ? { learning_style: patch.learning_style } : {}),
    updated_at: now,
  };
}
