// A process that opens many WebSocket connections and holds them idle, so that the bench can read
// what they cost the server. Several of these share the load when one process may not hold
// enough open files.
import WebSocket from "ws";
import { Connection } from "../../client/index.js";
import { countError, type ErrorCounts } from "../measure/stats.js";
import { closeSockets } from "./ping-client.js";

export type HolderRequest =
  { open: { urls: string[]; greeted: boolean; concurrency: number } } | { close: true };

export interface HolderReply {
  open: number;
  failures: ErrorCounts;
}

const sockets: Connection[] = [];

/** Resolves once the socket is open (and, if `greeted`, once its first frame arrived). */
async function connect(url: string, greeted: boolean): Promise<Connection> {
  const connection = new Connection(url, { WebSocket });
  const first = connection.once("frame");
  await connection.opened.catch(() => {
    throw new Error(`could not connect (${connection.closeInfo?.code})`);
  });
  if (!greeted) return connection;
  const frame = await Promise.race([first, connection.closed.then(() => undefined)]);
  const json = frame?.json as { type?: string; message?: string } | undefined;
  if (!json) throw new Error(`closed ${connection.closeInfo?.code}`);
  if (json.type === "error") throw new Error(`error: ${json.message}`);
  return connection;
}

async function open(urls: string[], greeted: boolean, concurrency: number): Promise<HolderReply> {
  const failures: ErrorCounts = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) {
        const url = urls[next++]!;
        try {
          sockets.push(await connect(url, greeted));
        } catch (err) {
          countError(failures, (err as Error).message);
        }
      }
    }),
  );
  return { open: sockets.length, failures };
}

async function closeAll(): Promise<HolderReply> {
  await closeSockets(sockets);
  sockets.length = 0;
  return { open: 0, failures: {} };
}

process.on("message", (request: HolderRequest) => {
  const work =
    "open" in request
      ? open(request.open.urls, request.open.greeted, request.open.concurrency)
      : closeAll();
  work.then(
    (reply) => process.send?.(reply),
    (err: unknown) => process.send?.({ error: String(err) }),
  );
});
process.stderr.write(`${JSON.stringify({ msg: "ready" })}\n`);
