// Loaded into a server process (NODE_OPTIONS=--expose-gc --import) so a memory test can ask for a
// full garbage collection with SIGUSR2, and compare what the server keeps rather than when V8
// happened to collect last. It says when the collection is done, so the test need not guess.
// The line `live-server.ts` waits for (this file is not imported there: it would set the handler).
const COLLECTED = '{"msg":"garbage collected"}';

process.on("SIGUSR2", () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  // A full collection sweeps and hands pages back to the system in the background, after it
  // returns; the next one starts by finishing that, so after two the memory is back.
  gc?.();
  gc?.();
  process.stderr.write(`${COLLECTED}\n`);
});
