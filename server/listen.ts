import net from "node:net";
import uWS from "uWebSockets.js";

/** The server could not take its port; `message` says why (another process holds it, say). */
export class ListenError extends Error {}

// uWS's ListenOptions.LIBUS_LISTEN_EXCLUSIVE_PORT: without it the port is opened with SO_REUSEPORT,
// and a second server on the same port would silently share its traffic.
const EXCLUSIVE_PORT = 1;
type ListenWithOptions = (
  host: string,
  port: number,
  options: number,
  cb: (socket: uWS.us_listen_socket | false) => void,
) => void;

/** Why a port cannot be listened on, as the operating system tells it. */
function whyNotListening(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", (err: NodeJS.ErrnoException) =>
      resolve(err.code === "EADDRINUSE" ? "address in use" : (err.code ?? err.message)),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve("unknown")));
  });
}

/** Takes the port for this server alone, or fails with a `ListenError` saying why not. */
export async function listen(app: uWS.TemplatedApp, host: string, port: number) {
  const socket = await new Promise<uWS.us_listen_socket | false>((resolve) =>
    (app.listen as unknown as ListenWithOptions)(host, port, EXCLUSIVE_PORT, resolve),
  );
  if (socket) return socket;
  throw new ListenError(`cannot listen on ${host}:${port}: ${await whyNotListening(host, port)}`);
}
