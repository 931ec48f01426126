import type { Store } from "../../store/index.js";

type Pause = () => Promise<void>;
type Method = (...args: unknown[]) => unknown;

const isAsync = (fn: Method) => fn.constructor.name === "AsyncFunction";
const isAsyncGenerator = (fn: Method) => fn.constructor.name === "AsyncGeneratorFunction";

/**
 * `target` with `pause()` awaited before each of its async methods. Everything else, the prototype
 * included (so `instanceof` still holds), is the target's own.
 */
function pausing<T extends object>(target: T, pause: Pause): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== "function") return value;
      let method = wrapped.get(key);
      if (method) return method;
      const fn = value as Method;
      if (isAsyncGenerator(fn)) {
        method = async function* (...args: unknown[]) {
          await pause();
          yield* fn.apply(object, args) as AsyncIterable<unknown>;
        };
      } else if (isAsync(fn)) {
        method = async (...args: unknown[]) => {
          await pause();
          return fn.apply(object, args);
        };
      } else {
        method = fn.bind(object);
      }
      wrapped.set(key, method);
      return method;
    },
  });
}

/**
 * The store with a pause before every call its ports and its checkpointer make. SQLite answers
 * synchronously, so without these pauses a whole turn would run in one go and starve every other
 * socket; with the fair scheduler's `yield` as the pause, I/O and other learners get in between.
 */
export function withPauses(store: Store, pause: Pause): Store {
  const parts = Object.entries(store).map(([name, part]: [string, unknown]) => [
    name,
    typeof part === "function"
      ? (part as Method).bind(store)
      : typeof part === "object" && part !== null
        ? pausing(part, pause)
        : part,
  ]);
  return Object.fromEntries(parts) as Store;
}
