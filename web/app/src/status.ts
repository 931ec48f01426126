import type { CloseInfo, ConnectionState } from "../../../client/index.js";
import { h, replaceChildren } from "./dom.js";

/** The part of a client the status line watches. */
export interface Watched {
  readonly state: ConnectionState;
  readonly closeInfo: CloseInfo | undefined;
  readonly finished: boolean;
  on(event: "state", handler: (state: ConnectionState) => void): () => void;
  on(
    event: "reconnecting",
    handler: (retry: { attempt: number; delayMs: number }) => void,
  ): () => void;
  connect(): Promise<void>;
  reconnectNow(): void;
}

const CLOSED: Record<string, string> = {
  taken_over: "This conversation is open in another tab or window.",
  unauthorized: "You have been signed out.",
  forbidden: "This conversation is not available to you.",
  protocol: "The connection was closed.",
  normal: "Disconnected.",
};

/**
 * The header's connection line: connected, reconnecting (with a countdown and "Retry now"),
 * or why the conversation closed, with the way back when there is one.
 */
export function watchConnection(line: HTMLElement, client: Watched): () => void {
  let countdown: ReturnType<typeof setInterval> | undefined;
  const show = (kind: string, text: string, action?: HTMLElement) => {
    line.dataset.state = kind;
    replaceChildren(line, h("span", { class: "dot", "aria-hidden": "true" }), text, action);
  };
  const render = () => {
    clearInterval(countdown);
    const state = client.state;
    if (state === "open") show("open", "Connected");
    else if (state === "connecting" || state === "idle") show("connecting", "Connecting…");
    else if (state === "closed") {
      const kind = client.closeInfo?.kind ?? "normal";
      if (client.finished || kind === "finished") show("finished", "Conversation complete");
      else
        show(
          "closed",
          CLOSED[kind] ?? "Disconnected.",
          kind === "unauthorized"
            ? h("a", { href: "#/sign-in", class: "link-button" }, "Sign in")
            : h(
                "button",
                { type: "button", class: "link-button", onclick: () => void client.connect() },
                kind === "taken_over" ? "Use it here" : "Reconnect",
              ),
        );
    }
  };
  const offState = client.on("state", render);
  const offRetry = client.on("reconnecting", ({ delayMs }) => {
    clearInterval(countdown);
    const until = Date.now() + delayMs;
    const retry = h(
      "button",
      { type: "button", class: "link-button", onclick: () => client.reconnectNow() },
      "Retry now",
    );
    // Only the countdown changes each second, and it is hidden from screen readers.
    const seconds = h("span", { class: "countdown", "aria-hidden": "true" });
    const tick = () => {
      const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      seconds.textContent = left > 0 ? ` (${left} s)` : "";
    };
    show("reconnecting", "Connection lost. Reconnecting…", retry);
    line.insertBefore(seconds, retry);
    tick();
    countdown = setInterval(tick, 1000);
  });
  const online = () => client.reconnectNow();
  window.addEventListener("online", online);
  render();
  return () => {
    clearInterval(countdown);
    offState();
    offRetry();
    window.removeEventListener("online", online);
    replaceChildren(line);
    delete line.dataset.state;
  };
}
