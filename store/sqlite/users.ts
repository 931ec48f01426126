import type { Database } from "better-sqlite3";
import type { UserStore } from "../ports.js";
import type { Identity } from "../types.js";
import { toUser, type UserRow } from "./rows.js";

interface UserInsert {
  id: string;
  name: string | null;
  email: string | null;
  picture: string | null;
  now: string;
}

interface UserUpdate {
  id: string;
  name: string | null;
  learning_style: string | null;
  now: string;
}

export function createSqliteUserStore(db: Database): UserStore {
  const insertIfAbsent = db.prepare<UserInsert>(
    `INSERT INTO users (id, firebase_uid, name, email, picture, learning_style, created_at, updated_at)
     VALUES (@id, @id, @name, @email, @picture, '[]', @now, @now)
     ON CONFLICT (id) DO NOTHING`,
  );
  const select = db.prepare<[string], UserRow>("SELECT * FROM users WHERE id = ?");
  // A null parameter means "leave the column as it is".
  const update = db.prepare<UserUpdate>(
    `UPDATE users
     SET name = COALESCE(@name, name),
         learning_style = COALESCE(@learning_style, learning_style),
         updated_at = @now
     WHERE id = @id`,
  );

  const get = (uid: string) => {
    const row = select.get(uid);
    return row ? toUser(row) : null;
  };

  const ensure = db.transaction((identity: Identity) => {
    insertIfAbsent.run({
      id: identity.uid,
      name: identity.name ?? null,
      email: identity.email ?? null,
      picture: identity.picture ?? null,
      now: new Date().toISOString(),
    });
    const user = get(identity.uid);
    if (!user) throw new Error(`User ${identity.uid} vanished after insert`);
    return user;
  });

  return {
    async ensure(identity) {
      return ensure(identity);
    },
    async get(uid) {
      return get(uid);
    },
    async update(uid, patch) {
      const { changes } = update.run({
        id: uid,
        name: patch.name ?? null,
        learning_style:
          patch.learning_style === undefined ? null : JSON.stringify(patch.learning_style),
        now: new Date().toISOString(),
      });
      return changes === 0 ? null : get(uid);
    },
  };
}
