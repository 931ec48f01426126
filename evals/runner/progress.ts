import type { CaseResult } from "../report/results.js";

const WIDTH = 24;

/**
 * Progress on stderr: a bar redrawn in place on a terminal, one line per finished case otherwise
 * (CI logs).
 */
export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr) {
  let failing = 0;
  const tty = stream.isTTY === true;
  const draw = (done: number, last: string) => {
    const filled = Math.round((done / total) * WIDTH);
    const bar = `${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}`;
    const failed = failing > 0 ? ` · ${failing} failing` : "";
    stream.write(`\r\x1b[2K${bar} ${done}/${total}${failed}${last ? ` · ${last}` : ""}`);
  };
  return {
    start() {
      if (tty) draw(0, "");
    },
    update(result: CaseResult, done: number) {
      if (result.status !== "pass") failing += 1;
      if (tty) draw(done, result.id);
      else
        stream.write(`[${done}/${total}] ${result.status.toUpperCase().padEnd(5)} ${result.id}\n`);
    },
    finish() {
      if (tty) stream.write("\r\x1b[2K");
    },
  };
}
