import { FairScheduler } from "../../server/ws/fair-scheduler.js";
import { withPauses } from "../../server/ws/pausing-store.js";
import { RateLimiter } from "../../server/ws/rate-limiter.js";
import type { Store } from "../../store/index.js";

describe("the fair scheduler", () => {
  it("lets pending I/O run between a turn's synchronous store calls", async () => {
    const scheduler = new FairScheduler();
    const order: string[] = [];
    const port = {
      async read(n: number) {
        order.push(`read ${n}`);
        return n;
      },
    };
    const store = withPauses({ users: port } as unknown as Store, scheduler.yield) as unknown as {
      users: typeof port;
    };
    await scheduler.run("ada", async () => {
      setImmediate(() => order.push("I/O"));
      await store.users.read(1);
      await store.users.read(2);
    });
    expect(order).toEqual(["I/O", "read 1", "read 2"]);

    // Outside a turn, a call goes straight through.
    order.length = 0;
    setImmediate(() => order.push("I/O"));
    await store.users.read(3);
    expect(order).toEqual(["read 3"]);
  });

  it("resumes the learner who used the loop least lately first", async () => {
    const scheduler = new FairScheduler();
    const resumed: string[] = [];
    const steps = (owner: string, count: number) =>
      scheduler.run(owner, async () => {
        for (let i = 0; i < count; i++) {
          await scheduler.yield();
          resumed.push(owner);
        }
      });
    await Promise.all([
      steps("flooder", 40),
      (async () => {
        // The quiet learner arrives while the flooder is ten steps in.
        while (resumed.length < 10) await new Promise((resolve) => setImmediate(resolve));
        await steps("quiet", 3);
      })(),
    ]);
    const firstQuiet = resumed.indexOf("quiet");
    expect(resumed.slice(firstQuiet, firstQuiet + 3)).toEqual(["quiet", "quiet", "quiet"]);
    expect(resumed.filter((o) => o === "flooder")).toHaveLength(40);
  });

  it("keeps instanceof and synchronous methods of what it wraps", () => {
    class Saver {
      next(v: number) {
        return v + 1;
      }
    }
    const wrapped = withPauses({ checkpointer: new Saver() } as unknown as Store, async () => {});
    expect(wrapped.checkpointer).toBeInstanceOf(Saver);
    expect((wrapped.checkpointer as unknown as Saver).next(1)).toBe(2);
  });
});

describe("the rate limiter", () => {
  it("allows a burst of the limit, then one more per 60/limit seconds, per key", () => {
    let now = 0;
    const limiter = new RateLimiter(6, () => now);
    for (let i = 0; i < 6; i++) expect(limiter.take("ada")).toBe(0);
    expect(limiter.take("ada")).toBe(10_000);
    expect(limiter.take("bob")).toBe(0);
    now += 4_000;
    expect(limiter.take("ada")).toBe(6_000);
    now += 6_000;
    expect(limiter.take("ada")).toBe(0);
    expect(limiter.take("ada")).toBe(10_000);
  });

  it("lets everything through with a limit of 0", () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take("ada")).toBe(0);
  });
});
