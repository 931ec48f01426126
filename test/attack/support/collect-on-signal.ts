// Loaded into a server process (NODE_OPTIONS=--expose-gc --import) so a memory test can ask for a
// full garbage collection with SIGUSR2, and compare what the server keeps rather than when V8
// happened to collect last.
process.on("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
});
