import WebSocket from "ws";
import {
  AllyClient,
  CommanderClient,
  type AllyOptions,
  type CloseInfo,
  type CommanderOptions,
  type ConnectionState,
} from "../../client/index.js";
import type { Frame } from "./ws-client.js";

/**
 * The client library's Commander as a learner's app uses it, in Node: over `ws`, signed in with
 * `token`, against `url` (`http://host:port`). It does not reconnect unless asked, so a dropped
 * connection fails the test rather than being retried behind its back.
 */
export function commanderClient(url: string, token: string, options: CommanderOptions = {}) {
  return new CommanderClient({ url, auth: { token }, WebSocket, reconnect: false, ...options });
}

/** The client library's Ally, likewise. */
export function allyClient(
  url: string,
  token: string,
  missionId: string,
  options: Partial<AllyOptions> = {},
) {
  return new AllyClient({
    url,
    auth: { token },
    WebSocket,
    reconnect: false,
    missionId,
    ...options,
  });
}

/** What both clients offer to watch their connection by. */
interface Client {
  readonly state: ConnectionState;
  readonly closeInfo: CloseInfo | undefined;
  on(event: "frame", handler: (frame: { type: string }) => void): () => void;
  on(
    event: "invalid_frame",
    handler: (invalid: { data: string; problem: string }) => void,
  ): () => void;
  once(event: "close"): Promise<CloseInfo>;
}

/**
 * Every frame the server sends `client` from now on, in order, but for the pongs that answer the
 * client's own pings. A frame outside the protocol is kept as `(invalid frame)`, so that no
 * assertion about the frames can pass over it.
 */
export function recordFrames(client: Client): Frame[] {
  const frames: Frame[] = [];
  client.on("frame", (frame) => {
    if (frame.type !== "pong") frames.push(frame as Frame);
  });
  client.on("invalid_frame", (invalid) => frames.push({ type: "(invalid frame)", ...invalid }));
  return frames;
}

/** How the client's connection ended: at once if it has, else when it does. */
export function whenClosed(client: Client): Promise<CloseInfo> {
  if (client.state === "closed") return Promise.resolve(client.closeInfo!);
  return client.once("close");
}
