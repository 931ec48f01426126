// Loaded with `--import` into every server the bench measures (the product and the anchors), so
// the bench can, over the IPC channel, collect garbage before reading memory and record a CPU
// profile of exactly the work it drives. Servers run unchanged without it.
import fs from "node:fs";
import { Session } from "node:inspector/promises";

export type HookRequest =
  { hook: "gc" } | { hook: "profile-start" } | { hook: "profile-stop"; file: string };

export interface HookReply {
  hook: HookRequest["hook"];
  rssBytes: number;
  /** What V8 has committed for the JavaScript heap, and how much of it is live. */
  heapTotalBytes: number;
  heapUsedBytes: number;
}

let session: Session | undefined;

async function handle(request: HookRequest): Promise<void> {
  if (request.hook === "gc") {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error("start the server with --expose-gc");
    gc();
    // V8 returns freed pages from helper threads a little after a collection.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } else if (request.hook === "profile-start") {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    // Finer than the default 1 ms, so that a profile of a few hundred milliseconds says something.
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    await session.post("Profiler.start");
  } else {
    if (!session) throw new Error("no profile was started");
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    session = undefined;
    fs.writeFileSync(request.file, JSON.stringify(profile));
  }
  const memory = process.memoryUsage();
  const reply: HookReply = {
    hook: request.hook,
    rssBytes: memory.rss,
    heapTotalBytes: memory.heapTotal,
    heapUsedBytes: memory.heapUsed,
  };
  process.send?.(reply);
}

if (process.send) {
  process.on("message", (request: HookRequest) => {
    handle(request).catch((err: unknown) => {
      process.send?.({ hook: request.hook, error: String(err) });
    });
  });
  // The channel must not keep a server alive that would otherwise exit.
  process.channel?.unref();
}
