import { Timestamp, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";
import type { Clock } from "../../domain/index.js";
import { StoreBusyError } from "../errors.js";
import type { Lease, LeaseStore } from "../ports.js";
import {
  ALREADY_EXISTS,
  FAILED_PRECONDITION,
  NOT_FOUND,
  UNKNOWN,
  hasStatus,
  isTransient,
} from "./grpc-status.js";
import { fenceDoc, leaseDoc } from "./lease-fence.js";

/** Acquisitions that lose the race for the lease document, or fail in passing, before giving up. */
const MAX_ATTEMPTS = 8;
/** How long a listener that failed waits before it listens again. */
const RELISTEN_MS = 1_000;

function readLease(key: string, snapshot: DocumentSnapshot): Lease | null {
  const data = snapshot.data();
  if (!data) return null;
  const expires: unknown = data.expires_at;
  return {
    key,
    owner: typeof data.owner === "string" ? data.owner : null,
    token: Number(data.token),
    expires_at: expires instanceof Timestamp ? expires.toDate().toISOString() : String(expires),
  };
}

const lostRace = (error: unknown) =>
  hasStatus(error, FAILED_PRECONDITION) || hasStatus(error, ALREADY_EXISTS);

/**
 * A commit whose outcome is unknown, or that may go through when tried again: the emulator answers
 * commits racing on one lease with a bare UNKNOWN now and then. Reading the lease again tells
 * whether it landed, since an owner that already holds the lease just renews it.
 */
const inDoubtOrTransient = (error: unknown) => hasStatus(error, UNKNOWN) || isTransient(error);

/**
 * `conversation_leases/{key}` with its fence documents (see `fenceDoc`). Nothing here runs a
 * transaction: an acquisition reads the lease and commits a batch on the condition that the lease
 * document is unchanged since, so a process killed at any point leaves no lock on it. Watchers are
 * Firestore listeners on the lease document.
 */
export function createFirestoreLeaseStore(
  firestore: Firestore,
  clock: Clock,
): LeaseStore & { stop(): void } {
  const until = (ttlMs: number) => new Date(clock().getTime() + ttlMs);
  const listeners = new Set<() => void>();

  return {
    async acquire(key, owner, ttlMs) {
      const ref = leaseDoc(firestore, key);
      for (let attempt = 1; ; attempt++) {
        const snapshot = await ref.get();
        const held = readLease(key, snapshot);
        const renewing = held?.owner === owner;
        const token = renewing ? held.token : (held?.token ?? 0) + 1;
        const expires = until(ttlMs);
        const data = { owner, token, expires_at: Timestamp.fromDate(expires) };
        const batch = firestore.batch();
        if (snapshot.updateTime) batch.update(ref, data, { lastUpdateTime: snapshot.updateTime });
        else batch.create(ref, data);
        if (!renewing) {
          if (held) batch.delete(fenceDoc(firestore, key, held.token));
          batch.set(fenceDoc(firestore, key, token), { token });
        }
        try {
          await batch.commit();
        } catch (error) {
          if (!lostRace(error) && !inDoubtOrTransient(error)) throw error;
          if (attempt === MAX_ATTEMPTS) {
            throw new StoreBusyError("this conversation's lease could not be taken", {
              cause: error,
            });
          }
          continue;
        }
        const tookOver =
          !!held && !renewing && held.owner !== null && held.expires_at > clock().toISOString();
        return { lease: { key, owner, token, expires_at: expires.toISOString() }, tookOver };
      }
    },
    async renew(key, token, ttlMs) {
      const expires = until(ttlMs);
      const batch = firestore.batch();
      batch.update(fenceDoc(firestore, key, token), { token });
      batch.update(leaseDoc(firestore, key), { expires_at: Timestamp.fromDate(expires) });
      try {
        await batch.commit();
      } catch (error) {
        if (hasStatus(error, NOT_FOUND)) return null;
        throw error;
      }
      return expires.toISOString();
    },
    async release(key, token) {
      const batch = firestore.batch();
      batch.delete(fenceDoc(firestore, key, token), { exists: true });
      batch.update(leaseDoc(firestore, key), {
        owner: null,
        expires_at: Timestamp.fromDate(clock()),
      });
      try {
        await batch.commit();
        return true;
      } catch (error) {
        if (hasStatus(error, NOT_FOUND) || hasStatus(error, FAILED_PRECONDITION)) return false;
        throw error;
      }
    },
    async get(key) {
      return readLease(key, await leaseDoc(firestore, key).get());
    },
    watch(key, onChange) {
      let stopped = false;
      let unsubscribe = () => {};
      let retry: NodeJS.Timeout | undefined;
      const listen = () => {
        unsubscribe = leaseDoc(firestore, key).onSnapshot(
          (snapshot) => {
            if (!stopped) onChange(readLease(key, snapshot));
          },
          () => {
            // A listener that failed is gone; listen again, unless the store is closing.
            if (!stopped) retry = setTimeout(listen, RELISTEN_MS).unref();
          },
        );
      };
      const stop = () => {
        stopped = true;
        clearTimeout(retry);
        unsubscribe();
        listeners.delete(stop);
      };
      listeners.add(stop);
      listen();
      return stop;
    },
    stop() {
      for (const stop of [...listeners]) stop();
    },
  };
}
