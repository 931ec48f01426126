import type { CloseInfo } from "./close-codes.js";

/** The connection dropped before the turn's reply was complete; the history decides its fate. */
export class ConnectionLostError extends Error {
  override readonly name = "ConnectionLostError";
  constructor(readonly close: CloseInfo) {
    super(`The connection was lost before the reply was complete (${close.code} ${close.reason})`);
  }
}

/** The client is closed for good (closed by the caller, refused by the server, or finished). */
export class ClientClosedError extends Error {
  override readonly name = "ClientClosedError";
  constructor(
    readonly close: CloseInfo | undefined,
    message = close ? `The connection is closed (${close.code} ${close.reason})` : "Closed",
  ) {
    super(message);
  }
}
