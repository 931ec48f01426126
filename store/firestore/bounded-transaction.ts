import type { Firestore, Transaction } from "firebase-admin/firestore";
import { StoreBusyError } from "../errors.js";
import { isTransient } from "./grpc-status.js";

export interface TransactionLimits {
  /** How long one attempt may run before it is given up and tried again. */
  attemptMs: number;
  /** How long all attempts of one transaction may take together. */
  budgetMs: number;
}

export const DEFAULT_TRANSACTION_LIMITS: TransactionLimits = { attemptMs: 3_000, budgetMs: 6_000 };

export type RunTransaction = <T>(update: (tx: Transaction) => Promise<T>) => Promise<T>;

/** Runs bounded transactions, and knows of the attempts given up on that are still running. */
export interface BoundedTransactions extends RunTransaction {
  /**
   * Resolves once every attempt still running has ended (an abandoned attempt rolls back as soon
   * as Firestore answers it): a client terminated under a running attempt leaves its locks behind.
   */
  settled(): Promise<void>;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1_000;

class AbandonedAttempt extends Error {}

type Outcome<T> = { ok: true; value: T } | { ok: false; retryable: boolean; error: unknown };

/**
 * Firestore transactions that never hang a caller. The client library retries a transaction five
 * times, and a lock left by a process killed inside a transaction makes every attempt wait for it
 * (about 70 s on the emulator; production holds such locks too). Here each attempt has a deadline,
 * failed attempts are retried with jittered exponential backoff, and once the budget is spent the
 * call fails with `StoreBusyError`, so the learner hears about it at once and can simply try again
 * once the lock clears. An attempt given up on is rolled back rather than committed late.
 */
export function boundedTransactions(
  firestore: Firestore,
  limits: TransactionLimits,
): BoundedTransactions {
  const running = new Set<Promise<unknown>>();
  const run = async <T>(update: (tx: Transaction) => Promise<T>): Promise<T> => {
    const deadline = Date.now() + limits.budgetMs;
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      const timeLeft = deadline - Date.now();
      const outcome = await attempt(
        firestore,
        update,
        Math.min(limits.attemptMs, timeLeft),
        running,
      );
      if (outcome.ok) return outcome.value;
      if (!outcome.retryable) throw outcome.error;
      const pause = Math.min(backoff * (0.5 + Math.random()), MAX_BACKOFF_MS);
      if (Date.now() + pause >= deadline) {
        throw new StoreBusyError(
          `a Firestore transaction did not complete within ${limits.budgetMs} ms`,
          { cause: outcome.error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      backoff *= 2;
    }
  };
  return Object.assign(run, {
    async settled() {
      await Promise.allSettled([...running]);
    },
  });
}

async function attempt<T>(
  firestore: Firestore,
  update: (tx: Transaction) => Promise<T>,
  timeoutMs: number,
  attempts: Set<Promise<unknown>>,
): Promise<Outcome<T>> {
  let abandoned = false;
  const sdkAttempt = firestore.runTransaction(
    async (tx) => {
      const value = await update(tx);
      // Throwing here makes the client roll back instead of committing.
      if (abandoned) throw new AbandonedAttempt();
      return value;
    },
    { maxAttempts: 1 },
  );
  attempts.add(sdkAttempt);
  const forget = () => attempts.delete(sdkAttempt);
  sdkAttempt.then(forget, forget);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => {
      abandoned = true;
      const error = new Error(`a transaction attempt took over ${timeoutMs} ms`);
      resolve({ ok: false, retryable: true, error });
    }, timeoutMs);
  });
  const settled = sdkAttempt.then(
    (value): Outcome<T> => ({ ok: true, value }),
    (error: unknown): Outcome<T> => ({
      ok: false,
      retryable: isTransient(error),
      error,
    }),
  );
  try {
    return await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
