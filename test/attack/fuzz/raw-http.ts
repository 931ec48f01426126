import net from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What became of a request: a response, or the connection ended or stayed silent without one. */
export type RawOutcome = RawResponse | { dropped: "closed" | "silent" };

const HEAD_END = Buffer.from("\r\n\r\n");

/**
 * HTTP/1.1 over one kept-alive TCP connection, sending whatever bytes it is given: the fuzzer's
 * requests need not be valid, which no HTTP client library allows.
 */
export class RawHttp {
  private socket: net.Socket | undefined;

  constructor(private readonly port: number) {}

  /** Sends `request` and reads one response; `silenceMs` without one counts as dropped. */
  async send(request: Buffer, method: string, silenceMs: number): Promise<RawOutcome> {
    const socket = await this.connected();
    return new Promise((resolve) => {
      let data = Buffer.alloc(0);
      const finish = (outcome: RawOutcome, keep: boolean) => {
        clearTimeout(timer);
        socket.off("data", onData);
        socket.off("close", onClose);
        if (!keep) this.drop();
        resolve(outcome);
      };
      const onData = (chunk: Buffer) => {
        data = Buffer.concat([data, chunk]);
        const end = data.indexOf(HEAD_END);
        if (end < 0) return;
        const [statusLine = "", ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(":");
          if (colon > 0)
            headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const status = Number(statusLine.split(" ")[1]);
        const bodyless = method === "HEAD" || status === 204 || status === 304;
        const length = bodyless ? 0 : Number(headers["content-length"] ?? 0);
        if (data.length < end + 4 + length) return;
        const body = data.subarray(end + 4, end + 4 + length);
        finish({ status, headers, body }, headers.connection?.toLowerCase() !== "close");
      };
      const onClose = () => finish({ dropped: "closed" }, false);
      const timer = setTimeout(() => finish({ dropped: "silent" }, false), silenceMs);
      socket.on("data", onData);
      socket.once("close", onClose);
      socket.write(request);
    });
  }

  close(): void {
    this.drop();
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connected(): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.port, "127.0.0.1", () => {
        socket.off("error", reject);
        socket.on("error", () => {});
        this.socket = socket;
        resolve(socket);
      });
      socket.once("error", reject);
    });
  }
}

/** The bytes of a request line, headers and body, with Content-Length unless told otherwise. */
export function rawRequest(
  host: string,
  method: string,
  target: string,
  headers: [string, string][],
  body?: Buffer,
): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  if (body && !headers.some(([name]) => name.toLowerCase() === "content-length")) {
    lines.push(`Content-Length: ${body.length}`);
  }
  return Buffer.concat([
    Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"),
    body ?? Buffer.alloc(0),
  ]);
}
