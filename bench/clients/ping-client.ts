import WebSocket from "ws";

const PING = JSON.stringify({ type: "ping" });

/**
 * Opens one socket per URL. With `greeted`, a socket counts as open once the server's first frame
 * (the product's `connected`) has arrived, so that authentication is over before any timing.
 */
export async function openPingSockets(urls: string[], greeted: boolean): Promise<WebSocket[]> {
  return Promise.all(
    urls.map(
      (url) =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(url, { perMessageDeflate: false });
          socket.once("error", reject);
          if (greeted) socket.once("message", () => resolve(socket));
          else socket.once("open", () => resolve(socket));
        }),
    ),
  );
}

/** Every socket sends `{"type":"ping"}` and waits for the answer, `roundTrips` times in a row. */
export async function pingRounds(sockets: WebSocket[], roundTrips: number): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          let left = roundTrips;
          const onMessage = () => {
            left -= 1;
            if (left > 0) return socket.send(PING);
            socket.off("message", onMessage);
            resolve();
          };
          socket.on("message", onMessage);
          socket.once("close", (code) => reject(new Error(`socket closed (${code}) mid-run`)));
          socket.send(PING);
        }),
    ),
  );
}

export async function closeSockets(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once("close", () => resolve());
          socket.close();
        }),
    ),
  );
}
