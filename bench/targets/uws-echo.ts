// The raw uWebSockets.js anchor: a WebSocket server that sends every frame straight back.
import uWS from "uWebSockets.js";

uWS
  .App()
  .ws("/*", {
    idleTimeout: 120,
    maxPayloadLength: 1024 * 1024,
    message: (ws, message, isBinary) => {
      ws.send(message, isBinary);
    },
  })
  .listen("127.0.0.1", 0, (listenSocket) => {
    if (!listenSocket) throw new Error("uWS could not listen");
    const port = uWS.us_socket_local_port(listenSocket);
    process.stderr.write(`${JSON.stringify({ msg: "listening", port })}\n`);
    process.once("SIGTERM", () => {
      uWS.us_listen_socket_close(listenSocket);
      process.exit(0);
    });
  });
