// Loaded into a server process (NODE_OPTIONS=--import) to stand for a bug: once the server says it
// is listening, a timer throws and a promise nobody awaits rejects.
const write = process.stderr.write.bind(process.stderr);
let armed = false;

function misbehave() {
  setTimeout(() => {
    throw new Error("a timer callback failed");
  }, 50);
  setTimeout(() => {
    void Promise.reject(new Error("a promise nobody awaited failed"));
  }, 100);
}

process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  if (!armed && String(chunk).includes('"msg":"listening"')) {
    armed = true;
    misbehave();
  }
  return write(chunk, ...rest);
}) as typeof process.stderr.write;
