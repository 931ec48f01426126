import type { ChatMessage } from "../../../client/index.js";
import { h, replaceChildren } from "./dom.js";
import { renderMarkdown } from "./render-markdown.js";

/** The part of a client the chat shows and drives. */
export interface ChatClient {
  readonly messages: readonly ChatMessage[];
  readonly typing: boolean;
  on(event: "messages", handler: (messages: readonly ChatMessage[]) => void): () => void;
  on(event: "typing", handler: (typing: boolean) => void): () => void;
  on(
    event: "agent_message",
    handler: (frame: { message: string; agent?: string }) => void,
  ): () => void;
  send(text: string): ChatMessage;
  retry(id: string): ChatMessage | undefined;
}

export interface ChatOptions {
  /** Who an agent message is from, as the learner knows them. */
  speaker(agent: string | undefined): string;
  /** Who is typing right now. */
  typingName(): string;
  placeholder: string;
}

export interface Chat {
  element: HTMLElement;
  /** A line between messages, such as a handover. */
  note(text: string): void;
  /** Says something to screen readers. */
  announce(text: string): void;
  /** Ends the conversation: no more sending. */
  finish(): void;
  dispose(): void;
}

const STATUS_TEXT: Partial<Record<ChatMessage["status"], string>> = {
  queued: "Waiting to send…",
  sent: "Sent",
  failed: "Not delivered.",
};

const plain = (text: string) =>
  text
    .replace(/[#*_`>]/g, "")
    .replace(/\s+/g, " ")
    .trim();

/**
 * A conversation: messages rendered as safe Markdown, notes between them, a typing indicator,
 * a composer (Enter sends, Shift+Enter adds a line), and screen-reader announcements of new
 * replies through a live region.
 */
export function chatView(client: ChatClient, options: ChatOptions, announcer: HTMLElement): Chat {
  // Focusable, so keyboard users can scroll back through the conversation.
  const list = h("ol", { class: "messages", "aria-label": "Messages", tabindex: 0 });
  const typing = h("p", { class: "typing", role: "status", hidden: true });
  const input = h("textarea", {
    id: "message",
    name: "message",
    rows: 2,
    placeholder: options.placeholder,
    autocomplete: "off",
    required: true,
  });
  const send = h("button", { type: "submit", class: "primary" }, "Send");
  const form = h(
    "form",
    { class: "composer" },
    h("label", { for: "message", class: "visually-hidden" }, "Your message"),
    input,
    send,
  );
  const element = h("section", { class: "chat", "aria-label": "Conversation" }, list, typing, form);

  const rendered = new Map<string, { item: HTMLLIElement; text: string; status: string }>();
  const notes: { after: string | undefined; item: HTMLLIElement }[] = [];
  let finished = false;

  const submit = () => {
    const text = input.value.trim();
    if (!text || finished) return;
    client.send(text);
    input.value = "";
    input.focus();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });

  const announce = (text: string) => {
    announcer.append(h("p", {}, text));
    while (announcer.childElementCount > 3) announcer.firstElementChild?.remove();
  };

  function renderMessage(message: ChatMessage): HTMLLIElement {
    const who = message.role === "user" ? "You" : options.speaker(message.agent);
    const body = h("div", { class: "body" });
    if (message.role === "agent") body.append(renderMarkdown(message.text));
    else body.append(h("p", {}, message.text));
    const status = STATUS_TEXT[message.status];
    return h(
      "li",
      {
        class: `message from-${message.role}${message.agent ? ` agent-${message.agent}` : ""}`,
        "data-status": message.status,
        "aria-busy": message.status === "streaming" ? "true" : undefined,
      },
      h("p", { class: "who" }, who),
      body,
      status &&
        h(
          "p",
          { class: "delivery" },
          status,
          message.status === "failed" &&
            h(
              "button",
              { type: "button", class: "link-button", onclick: () => client.retry(message.id) },
              "Send again",
            ),
        ),
    );
  }

  function render(messages: readonly ChatMessage[]): void {
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const items: HTMLLIElement[] = [];
    const pendingNotes = notes.filter((n) => n.after === undefined).map((n) => n.item);
    items.push(...pendingNotes);
    for (const message of messages) {
      let entry = rendered.get(message.id);
      if (!entry || entry.text !== message.text || entry.status !== message.status) {
        entry = { item: renderMessage(message), text: message.text, status: message.status };
        rendered.set(message.id, entry);
      }
      items.push(entry.item);
      for (const note of notes) if (note.after === message.id) items.push(note.item);
    }
    replaceChildren(list, ...items);
    if (nearBottom || messages.at(-1)?.role === "user") list.scrollTop = list.scrollHeight;
  }

  const showTyping = (on: boolean) => {
    typing.hidden = !on;
    typing.textContent = on ? `${options.typingName()} is typing…` : "";
  };

  const offs = [
    client.on("messages", render),
    client.on("typing", showTyping),
    // New replies are read out; a restored history is only shown.
    client.on("agent_message", (frame) =>
      announce(`${options.speaker(frame.agent)}: ${plain(frame.message).slice(0, 400)}`),
    ),
  ];
  render(client.messages);
  showTyping(client.typing);

  return {
    element,
    note(text) {
      const last = client.messages.at(-1)?.id;
      notes.push({ after: last, item: h("li", { class: "note" }, text) });
      render(client.messages);
      announce(text);
    },
    announce,
    finish() {
      finished = true;
      form.hidden = true;
      showTyping(false);
    },
    dispose() {
      for (const off of offs) off();
    },
  };
}
