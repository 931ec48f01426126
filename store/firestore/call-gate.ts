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

/** What a closed store answers instead of calling the client. */
function refusal(key: PropertyKey): unknown {
  if (key === "list") return refusedList();
  // A lease watch on a closed store hears nothing; its stop function is all the caller expects.
  if (key === "watch") return () => {};
  return Promise.reject(closed());
}

function isAsyncIterator(value: unknown): value is AsyncIterableIterator<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    Symbol.asyncIterator in value &&
    typeof (value as { next?: unknown }).next === "function"
  );
}

/**
 * Every call into the Firestore store passes through a gate, for what the client library leaves
 * undone:
 * - in an outage the client keeps retrying for a minute or more, so a call still unsettled after
 *   `timeoutMs` is rejected (a learner's turn fails with an error rather than hanging; the
 *   client's own attempt carries on and its outcome is dropped);
 * - reads on a terminated client never settle (the client leaks an unhandled rejection instead),
 *   so once closing begins new calls, and further steps of a listing under way, are refused, as
 *   by a closed SQLite database; `close` waits for the calls already running for up to
 *   `timeoutMs`, and the client is terminated only once every one of them, abandoned ones
 *   included, has settled.
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
          if (this.closing) return refusal(key);
          const result: unknown = value.apply(object, args);
          if (result instanceof Promise) return this.track(result);
          return isAsyncIterator(result) ? this.guardIterator(result) : result;
        };
      },
    });
  }

  /**
   * Stops what runs without a caller (`stopWatching`), lets the running calls finish, then
   * terminates the client. Resolves once they have settled or had `timeoutMs` to; a call the
   * client is still retrying after that keeps the client open until it settles, since a retry on
   * a terminated client would never settle.
   */
  close(stopWatching: () => void, terminate: () => Promise<void>): Promise<void> {
    if (!this.closing) {
      stopWatching();
      const running = Promise.allSettled([...this.running]);
      const terminated = running.then(terminate);
      const grace = new Promise((resolve) => setTimeout(resolve, this.timeoutMs).unref());
      this.closing = Promise.race([terminated, grace.then(() => undefined)]);
    }
    return this.closing;
  }

  /** A listing reads page by page: each step is a call of its own, refused once closing began. */
  private guardIterator<T>(source: AsyncIterableIterator<T>): AsyncIterableIterator<T> {
    const iterator: AsyncIterableIterator<T> = {
      next: () => (this.closing ? Promise.reject(closed()) : this.track(source.next())),
      return: (value?: unknown) =>
        source.return ? source.return(value) : Promise.resolve({ done: true, value: undefined }),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
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
