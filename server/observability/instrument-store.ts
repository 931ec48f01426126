import type { Store } from "../../store/index.js";
import type { StoreCallObserver } from "./metrics.js";

const isAsyncIterator = (
  value: unknown,
): value is AsyncIterator<unknown> & AsyncIterable<unknown> =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function" &&
  typeof (value as AsyncIterator<unknown>).next === "function";

/** Times an async iteration (a checkpoint listing) from the call until the consumer stops. */
async function* timedIteration<T>(
  iteration: AsyncIterable<T>,
  done: (ok: boolean) => void,
): AsyncGenerator<T> {
  let failed = false;
  try {
    yield* iteration;
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    done(!failed);
  }
}

/** Times every asynchronous method of one port; methods run on the port itself, as before. */
function timedPort<T extends object>(name: string, port: T, observer: StoreCallObserver): T {
  return new Proxy(port, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function" || typeof key !== "string" || key === "constructor") {
        return value;
      }
      return (...args: unknown[]): unknown => {
        const started = performance.now();
        const done = (ok: boolean) =>
          observer.storeCall(name, key, ok, (performance.now() - started) / 1000);
        const result: unknown = value.apply(target, args);
        if (result instanceof Promise) {
          return result.then(
            (settled: unknown) => {
              done(true);
              return settled;
            },
            (err: unknown) => {
              done(false);
              throw err;
            },
          );
        }
        return isAsyncIterator(result) ? timedIteration(result, done) : result;
      };
    },
  });
}

/**
 * The same store with every call into its ports (users, missions, …, the checkpointer) timed. It
 * wraps whatever ports the store has, so adapters and new ports need nothing of their own.
 */
export function instrumentStore(store: Store, observer: StoreCallObserver): Store {
  const ports = Object.entries(store).map(([name, port]: [string, unknown]) =>
    typeof port === "object" && port !== null
      ? [name, timedPort(name, port, observer)]
      : [name, port],
  );
  return Object.fromEntries(ports) as Store;
}
