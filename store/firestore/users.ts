import {
  UserSchema,
  isoNow,
  newUser,
  userChanges,
  type Clock,
  type User,
} from "../../domain/index.js";
import type { UserStore } from "../ports.js";
import { documentIn, type Collections } from "./collections.js";
import { fromDocument, toDocument } from "./documents.js";
import { ALREADY_EXISTS, NOT_FOUND, hasStatus } from "./grpc-status.js";

export function createFirestoreUserStore(c: Collections, clock: Clock): UserStore {
  const get = async (uid: string): Promise<User | null> => {
    const snapshot = await documentIn(c.users, uid)?.get();
    return snapshot?.exists ? fromDocument(UserSchema, snapshot) : null;
  };

  return {
    async ensure(identity) {
      const ref = documentIn(c.users, identity.uid);
      if (!ref) throw new Error(`Invalid user id ${JSON.stringify(identity.uid)}`);
      const existing = await ref.get();
      if (existing.exists) return fromDocument(UserSchema, existing);
      try {
        // `create` is insert-if-absent, so concurrent first sign-ins make exactly one user.
        await ref.create(toDocument(UserSchema, newUser(identity, isoNow(clock))));
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
        await ref.update(toDocument(UserSchema, userChanges(patch, isoNow(clock))));
      } catch (error) {
        if (hasStatus(error, NOT_FOUND)) return null;
        throw error;
      }
      return get(uid);
    },
  };
}
