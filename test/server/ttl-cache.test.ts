import { TtlCache } from "../../server/auth/ttl-cache.js";

describe("TtlCache", () => {
  let now = 0;
  const cache = (ttlMs: number, maxEntries: number) =>
    new TtlCache<string>({ ttlMs, maxEntries, now: () => now });
  beforeEach(() => {
    now = 1_000_000;
  });

  it("keeps an entry for the TTL, or until its own deadline when that comes first", () => {
    const c = cache(60_000, 10);
    c.set("a", "A");
    c.set("b", "B", now + 5_000);
    now += 4_999;
    expect([c.get("a"), c.get("b")]).toEqual(["A", "B"]);
    now += 1;
    expect([c.get("a"), c.get("b")]).toEqual(["A", undefined]);
    now += 55_000;
    expect(c.get("a")).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it("stores nothing already past its deadline", () => {
    const c = cache(60_000, 10);
    c.set("late", "L", now);
    expect(c.get("late")).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it("evicts the least recently used entry beyond its size", () => {
    const c = cache(60_000, 2);
    c.set("a", "A");
    c.set("b", "B");
    expect(c.get("a")).toBe("A");
    c.set("c", "C");
    expect(c.size).toBe(2);
    expect([c.get("a"), c.get("b"), c.get("c")]).toEqual(["A", undefined, "C"]);
    c.set("a", "A2");
    c.set("d", "D");
    expect([c.get("a"), c.get("c"), c.get("d")]).toEqual(["A2", undefined, "D"]);
  });

  it("is off with a TTL or a size of 0", () => {
    for (const c of [cache(0, 10), cache(60_000, 0)]) {
      c.set("a", "A");
      expect(c.get("a")).toBeUndefined();
      expect(c.size).toBe(0);
    }
  });

  it("deletes the entries that match", () => {
    const c = cache(60_000, 10);
    c.set("1", "ada");
    c.set("2", "bob");
    c.set("3", "ada");
    c.deleteWhere((value) => value === "ada");
    expect([c.get("1"), c.get("2"), c.get("3")]).toEqual([undefined, "bob", undefined]);
  });
});
