import type { Database } from "better-sqlite3";
import {
  UserSchema,
  isoNow,
  newUser,
  userChanges,
  type Clock,
  type Identity,
  type User,
  type UserPatch,
} from "../../domain/index.js";
import type { UserStore } from "../ports.js";
import { fromRow, insertSql, toRow, updateSql, type Row } from "./rows.js";

export function createSqliteUserStore(db: Database, clock: Clock): UserStore {
  const insertIfAbsent = db.prepare(
    `${insertSql("users", UserSchema)} ON CONFLICT (id) DO NOTHING`,
  );
  const select = db.prepare<[string], Row>("SELECT * FROM users WHERE id = ?");
  const write = db.prepare(updateSql("users", UserSchema));

  const get = (uid: string) => {
    const row = select.get(uid);
    return row ? fromRow(UserSchema, row, "users") : null;
  };

  const ensure = db.transaction((identity: Identity): User => {
    insertIfAbsent.run(toRow(UserSchema, newUser(identity, isoNow(clock))));
    const user = get(identity.uid);
    if (!user) throw new Error(`User ${identity.uid} vanished after insert`);
    return user;
  });

  const update = db.transaction((uid: string, patch: UserPatch): User | null => {
    const user = get(uid);
    if (!user) return null;
    const updated = { ...user, ...userChanges(patch, isoNow(clock)) };
    write.run(toRow(UserSchema, updated));
    return updated;
  });

  return {
    async ensure(identity) {
      return ensure.immediate(identity);
    },
    async get(uid) {
      return get(uid);
    },
    async update(uid, patch) {
      return update.immediate(uid, patch);
    },
  };
}
