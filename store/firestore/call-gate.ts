/** The checkpointer's only methods that return neither a promise nor (`list`) an iterator. */
const SYNCHRONOUS = new Set<PropertyKey>(["getNextVersion", "toJSON"]);

function closed(): Error {
  return new Error("The store is closed");
}

/** What a closed store's `list` returns: an iterator that fails on its first step. */
function refusedList(): AsyncIterableIterator<never> {
  const iterator: AsyncIterableIterator<never> = {
    next: () => Promise.reject(closed()),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * Every call into the Firestore store passes through a gate, for what the client library leaves
 * undone:
 * - in an outage the client keeps retrying for a minute or more, so a call still unsettled after
 *   `timeoutMs` is rejected (a learner's turn fails with an error rather than hanging; the
 *   client's own attempt carries on and its outcome is dropped);
 * - reads on a terminated client never settle (the client leaks an unhandled rejection instead),
 *   so once closing begins new calls are refused, as by a closed SQLite database, and the client
 *   is terminated only after the calls already running, abandoned ones included, have settled or
 *   had `timeoutMs` more to do so.
 */
export class CallGate {
  private closing: Promise<void> | undefined;
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly timeoutMs: number) {}

  guard<T extends object>(target: T): T {
    return new Proxy(target, {
      get: (object, key) => {
        const value: unknown = Reflect.get(object, key, object);
        if (typeof value !== "function" || SYNCHRONOUS.has(key)) return value;
        return (...args: unknown[]): unknown => {
          if (this.closing) {
            return key === "list" ? refusedList() : Promise.reject(closed());
          }
          const result: unknown = value.apply(object, args);
          return result instanceof Promise ? this.track(result) : result;
        };
      },
    });
  }

  close(terminate: () => Promise<void>): Promise<void> {
    const grace = new Promise((resolve) => setTimeout(resolve, this.timeoutMs).unref());
    this.closing ??= Promise.race([Promise.allSettled([...this.running]), grace]).then(terminate);
    return this.closing;
  }

  private track<T>(call: Promise<T>): Promise<T> {
    this.running.add(call);
    const settled = () => this.running.delete(call);
    // Also marks a rejection as handled: a call the deadline gave up on has nobody waiting for it.
    call.then(settled, settled);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Firestore did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
  }
}
