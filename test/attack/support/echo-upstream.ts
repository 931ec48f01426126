import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface EchoedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface EchoUpstream {
  url: string;
  host: string;
  requests: EchoedRequest[];
  stop(): Promise<void>;
}

/**
 * An upstream API that fails every request and, as careless ones do, quotes the request back in
 * its error: the URL, every header (API keys and bearer tokens among them) and the body.
 */
export async function startEchoUpstream(
  /** Requests answered normally instead, such as a lookup that must succeed first. */
  answer: (req: EchoedRequest) => unknown = () => undefined,
  status = 400,
): Promise<EchoUpstream> {
  const requests: EchoedRequest[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const echoed = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      requests.push(echoed);
      const normal = answer(echoed);
      if (normal !== undefined) {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(normal));
        return;
      }
      const quoted = `${echoed.method} ${echoed.url} ${JSON.stringify(req.headers)} ${body}`;
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          error: {
            code: status,
            message: `API key not valid. Please pass a valid API key. You sent: ${quoted}`,
            status: "INVALID_ARGUMENT",
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
