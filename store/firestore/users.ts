import type { UserStore } from "../ports.js";
import type { User } from "../types.js";
import { documentIn, type Collections } from "./collections.js";
import { timestamp, toUser } from "./documents.js";
import { ALREADY_EXISTS, NOT_FOUND, hasStatus } from "./grpc-status.js";

export function createFirestoreUserStore(c: Collections): UserStore {
  const get = async (uid: string): Promise<User | null> => {
    const snapshot = await documentIn(c.users, uid)?.get();
    return snapshot?.exists ? toUser(snapshot) : null;
  };

  return {
    async ensure(identity) {
      const ref = documentIn(c.users, identity.uid);
      if (!ref) throw new Error(`Invalid user id ${JSON.stringify(identity.uid)}`);
      const existing = await ref.get();
      if (existing.exists) return toUser(existing);
      const now = timestamp(new Date().toISOString());
      try {
        // `create` is insert-if-absent, so concurrent first sign-ins make exactly one user.
        await ref.create({
          firebase_uid: identity.uid,
          name: identity.name ?? null,
          email: identity.email ?? null,
          picture: identity.picture ?? null,
          learning_style: [],
          created_at: now,
          updated_at: now,
        });
      } catch (error) {
        if (!hasStatus(error, ALREADY_EXISTS)) throw error;
      }
      const user = await get(identity.uid);
      if (!user) throw new Error(`User ${identity.uid} vanished after insert`);
      return user;
    },
    get,
    async update(uid, patch) {
      const ref = documentIn(c.users, uid);
      if (!ref) return null;
      try {
        await ref.update({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.learning_style !== undefined ? { learning_style: patch.learning_style } : {}),
          updated_at: timestamp(new Date().toISOString()),
        });
      } catch (error) {
        if (hasStatus(error, NOT_FOUND)) return null;
        throw error;
      }
      return get(uid);
    },
  };
}
