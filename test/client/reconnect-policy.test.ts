import WebSocket from "ws";
import {
  AllyClient,
  ClientClosedError,
  backoffDelay,
  describeClose,
  type CloseKind,
} from "../../client/index.js";
import { fixedFreePort } from "./node-socket.js";

describe("reconnect backoff", () => {
  it("doubles from the first delay up to the cap, without jitter", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) =>
      backoffDelay(attempt, { initialDelayMs: 500, maxDelayMs: 10_000, jitter: 0 }),
    );
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it("takes off at most the jitter's share of each delay, at random", () => {
    const at = (value: number) => backoffDelay(3, { random: () => value });
    // Defaults: 500 ms doubled twice, half of it random.
    expect([at(0), at(0.5), at(0.999999)]).toEqual([2000, 1500, 1000]);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(3)));
    expect(spread.size).toBeGreaterThan(1);
    for (const delay of spread) {
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it("is what a client waits between attempts, and it gives up after maxAttempts", async () => {
    const port = await fixedFreePort();
    const client = new AllyClient({
      url: `http://127.0.0.1:${port}`,
      auth: { token: "t" },
      missionId: "m",
      WebSocket,
      reconnect: { initialDelayMs: 20, factor: 3, jitter: 0, maxAttempts: 3 },
    });
    const waits: number[] = [];
    client.on("reconnecting", ({ delayMs }) => waits.push(delayMs));
    const error = await client.connect().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(waits).toEqual([20, 60, 180]);
    expect(client.state).toBe("closed");
    expect(client.closeInfo).toMatchObject({ kind: "network", retry: true });
  });
});

describe("close codes", () => {
  it.each<[number, string, boolean, CloseKind, boolean]>([
    [1000, "", false, "normal", false],
    [1000, "Mission complete", true, "finished", false],
    [1001, "Server shutting down", false, "going_away", true],
    [1005, "", false, "network", true],
    [1006, "", false, "network", true],
    [1008, "Replaced by a newer connection", false, "taken_over", false],
    [1008, "Authentication failed: token expired", false, "unauthorized", false],
    [1008, "You are not enrolled in this mission", false, "forbidden", false],
    [1011, "", false, "server_error", true],
    [1012, "", false, "try_again", true],
    [1013, "", false, "try_again", true],
    [1009, "Message too big", false, "protocol", false],
  ])("%i %j (finished: %s) is %s, retried: %s", (code, reason, finished, kind, retry) => {
    expect(describeClose(code, reason, finished)).toEqual({ code, reason, kind, retry });
  });
});
