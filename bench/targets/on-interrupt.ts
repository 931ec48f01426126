// Servers the bench starts in process groups of their own (LangGraph's dev server, the Firestore
// emulator) would outlive a Ctrl-C; they register here to be stopped first.
const stops = new Set<() => Promise<void>>();

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping what the bench started\n`);
    void Promise.allSettled([...stops].map((stop) => stop())).then(() => process.exit(130));
  });
}

/** Runs `stop` if the bench is interrupted; returns `stop`, now also forgetting it once run. */
export function stopOnInterrupt(stop: () => Promise<void>): () => Promise<void> {
  const once = async () => {
    stops.delete(once);
    await stop();
  };
  stops.add(once);
  return once;
}
