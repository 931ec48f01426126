import type { Database, Statement } from "better-sqlite3";
import type { Clock } from "../../domain/index.js";
import { LeaseLostError } from "../errors.js";
import type { Lease, LeaseStore } from "../ports.js";

const TABLE = "conversation_leases";
/** How often the file is checked for changes made by other processes sharing it. */
const POLL_MS = 250;

interface LeaseRow {
  key: string;
  owner: string | null;
  token: number;
  expires_at: string;
}

const asLease = (row: LeaseRow): Lease => ({ ...row });

/**
 * A watched lease: its token and whether anyone held it when last read (a token is never reused by
 * another owner, and a release keeps the token), and who listens.
 */
interface Watched {
  token: number | undefined;
  held: boolean;
  // An array, not a Set: a conversation has one watcher but for a takeover's moment.
  listeners: ((lease: Lease | null) => void)[];
}

/**
 * The fence check of a database's fenced writes: it fails with `LeaseLostError` unless `token` is
 * the current one of the lease on `key`. Called inside the transaction of a fenced write, so the
 * check and the write are one step. Its statement is compiled on first use.
 */
export function fenceCheck(db: Database): (key: string, token: number) => void {
  let read: Statement<[string], LeaseRow> | undefined;
  return (key, token) => {
    read ??= db.prepare<[string], LeaseRow>(`SELECT * FROM ${TABLE} WHERE key = ?`);
    const row = read.get(key);
    if (!row || row.token !== token || row.owner === null) throw new LeaseLostError(key, token);
  };
}

/**
 * `conversation_leases`, one row per conversation. Each change is an IMMEDIATE transaction, so
 * processes sharing the file take turns. Watchers hear of changes made through this store at once
 * and of those made by other processes within `POLL_MS`: the file's `data_version`, which moves
 * only when another connection has written, is checked that often, and the watched leases are
 * read again only when it has moved.
 */
export function createSqliteLeaseStore(db: Database, clock: Clock): LeaseStore & { stop(): void } {
  const read = db.prepare<[string], LeaseRow>(`SELECT * FROM ${TABLE} WHERE key = ?`);
  const upsert = db.prepare(
    `INSERT INTO ${TABLE} (key, owner, token, expires_at) VALUES (@key, @owner, @token, @expires_at)
     ON CONFLICT (key) DO UPDATE SET owner = @owner, token = @token, expires_at = @expires_at`,
  );
  const dataVersion = db.prepare<[], number>("PRAGMA data_version").pluck();
  let seenVersion = dataVersion.get();
  const until = (ttlMs: number) => new Date(clock().getTime() + ttlMs).toISOString();
  const watchers = new Map<string, Watched>();
  let poller: NodeJS.Timeout | undefined;

  const notify = (key: string) => {
    const watched = watchers.get(key);
    if (!watched || !db.open) return;
    const row = read.get(key);
    const held = !!row && row.owner !== null;
    if (row?.token === watched.token && held === watched.held) return;
    watched.token = row?.token;
    watched.held = held;
    const lease = row ? asLease(row) : null;
    for (const listener of [...watched.listeners]) listener(lease);
  };

  const acquire = db.transaction((key: string, owner: string, ttlMs: number) => {
    const row = read.get(key);
    const now = clock().toISOString();
    const lease: Lease = {
      key,
      owner,
      token: row?.owner === owner ? row.token : (row?.token ?? 0) + 1,
      expires_at: until(ttlMs),
    };
    upsert.run(lease);
    const tookOver = !!row && row.owner !== null && row.owner !== owner && row.expires_at > now;
    return { lease, tookOver };
  });
  const renew = db.transaction((key: string, token: number, ttlMs: number) => {
    const row = read.get(key);
    if (!row || row.token !== token || row.owner === null) return null;
    const expires = until(ttlMs);
    upsert.run({ ...row, expires_at: expires });
    return expires;
  });
  const release = db.transaction((key: string, token: number) => {
    const row = read.get(key);
    if (!row || row.token !== token || row.owner === null) return false;
    upsert.run({ ...row, owner: null, expires_at: clock().toISOString() });
    return true;
  });

  return {
    async acquire(key, owner, ttlMs) {
      const acquired = acquire.immediate(key, owner, ttlMs);
      notify(key);
      return acquired;
    },
    async renew(key, token, ttlMs) {
      return renew.immediate(key, token, ttlMs);
    },
    async release(key, token) {
      const released = release.immediate(key, token);
      notify(key);
      return released;
    },
    async get(key) {
      const row = read.get(key);
      return row ? asLease(row) : null;
    },
    watch(key, onChange) {
      let watched = watchers.get(key);
      if (!watched) {
        const row = read.get(key);
        watched = { token: row?.token, held: !!row && row.owner !== null, listeners: [onChange] };
        watchers.set(key, watched);
      } else watched.listeners.push(onChange);
      poller ??= setInterval(() => {
        if (!db.open) return;
        const version = dataVersion.get();
        if (version === seenVersion) return;
        seenVersion = version;
        for (const watchedKey of watchers.keys()) notify(watchedKey);
      }, POLL_MS).unref();
      return () => {
        const at = watched.listeners.indexOf(onChange);
        if (at >= 0) watched.listeners.splice(at, 1);
        if (watched.listeners.length === 0 && watchers.get(key) === watched) watchers.delete(key);
        if (watchers.size === 0) {
          clearInterval(poller);
          poller = undefined;
        }
      };
    },
    stop() {
      clearInterval(poller);
      poller = undefined;
      watchers.clear();
    },
  };
}
