import WebSocket from "ws";
import { Connection } from "../../client/index.js";

const PING = { type: "ping" };

/**
 * Opens one socket per URL. With `greeted`, a socket counts as open once the server's first frame
 * (the product's `connected`) has arrived, so that authentication is over before any timing.
 */
export async function openPingSockets(urls: string[], greeted: boolean): Promise<Connection[]> {
  return Promise.all(
    urls.map(async (url) => {
      const connection = new Connection(url, { WebSocket });
      const firstFrame = connection.once("frame");
      await connection.opened;
      if (greeted) await firstFrame;
      return connection;
    }),
  );
}

/** Every socket sends `{"type":"ping"}` and waits for the answer, `roundTrips` times in a row. */
export async function pingRounds(connections: Connection[], roundTrips: number): Promise<void> {
  await Promise.all(
    connections.map(
      (connection) =>
        new Promise<void>((resolve, reject) => {
          let left = roundTrips;
          const stopReading = connection.on("frame", () => {
            left -= 1;
            if (left > 0) return void connection.send(PING);
            stopReading();
            stopWatching();
            resolve();
          });
          const stopWatching = connection.on("close", ({ code }) =>
            reject(new Error(`socket closed (${code}) mid-run`)),
          );
          connection.send(PING);
        }),
    ),
  );
}

export async function closeSockets(connections: Connection[]): Promise<void> {
  await Promise.all(
    connections.map((connection) => {
      connection.close();
      return connection.closed;
    }),
  );
}
