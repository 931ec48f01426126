import type { Store } from "../../store/index.js";

/** A user id no sign-in produces: reading it answers "missing" from a store that is up. */
const PROBE_USER = "readiness-probe";

export interface StoreProbeOptions {
  /** A store that has not answered by then counts as unreachable. */
  timeoutMs?: number;
  /** Probes that come within this long of the last one share its answer. */
  reuseMs?: number;
}

/**
 * Whether the store answers: one cheap read, raced against a deadline. Probes close together (a
 * load balancer checking every instance often) share one read rather than each paying for one.
 */
export function storeProbe(
  store: Store,
  { timeoutMs = 2_000, reuseMs = 1_000 }: StoreProbeOptions = {},
): () => Promise<boolean> {
  let last: { at: number; answer: Promise<boolean> } | undefined;
  return () => {
    const now = performance.now();
    if (last && now - last.at < reuseMs) return last.answer;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const read = store.users.get(PROBE_USER).then(
      () => true,
      () => false,
    );
    const answer = Promise.race([read, deadline]).finally(() => clearTimeout(timer));
    last = { at: now, answer };
    return answer;
  };
}
