/** One line of the conversation as a learner sees it. */
export interface ChatMessage {
  /** The server's id for agent messages; a local id for the learner's and for history. */
  id: string;
  role: "user" | "agent";
  text: string;
  /** The agent that spoke (`polaris`, `mission_ally`, `mission_sensei`), when known. */
  agent?: string;
  status: MessageStatus;
}

/**
 * Learner messages: `queued` (waiting for the connection or the previous turn), `sent`, `delivered`
 * (answered, or found in the server's history), `failed` (the server did not take it: send again).
 * Agent messages: `streaming` while token deltas arrive, then `complete`.
 */
export type MessageStatus = "queued" | "sent" | "delivered" | "failed" | "streaming" | "complete";

export interface HistoryLine {
  role: "user" | "agent";
  text: string;
}

const same = (a: ChatMessage, b: HistoryLine) =>
  a.role === b.role && a.text.trim() === b.text.trim();

/**
 * The conversation's messages, immutable from the outside: every change makes a new array, so a
 * view can compare by reference. Token deltas grow a `streaming` message that the whole
 * `agent_message` with the same id then completes; history from the server replaces what the
 * client believed without duplicating anything.
 */
export class Transcript {
  private list: ChatMessage[] = [];
  private localIds = 0;

  get messages(): readonly ChatMessage[] {
    return this.list;
  }

  addUser(text: string): ChatMessage {
    const message: ChatMessage = {
      id: `local-${++this.localIds}`,
      role: "user",
      text,
      status: "queued",
    };
    this.list = [...this.list, message];
    return message;
  }

  setStatus(id: string, status: MessageStatus): void {
    this.update(id, (m) => (m.status === status ? m : { ...m, status }));
  }

  remove(id: string): void {
    this.list = this.list.filter((m) => m.id !== id);
  }

  delta(id: string, text: string, agent?: string): void {
    if (this.list.some((m) => m.id === id)) {
      this.update(id, (m) => (m.status === "streaming" ? { ...m, text: m.text + text } : m));
      return;
    }
    this.list = [...this.list, { id, role: "agent", text, agent, status: "streaming" }];
  }

  /** The whole utterance: completes its streamed copy in place, or appends it. */
  agentMessage(id: string, text: string, agent?: string): void {
    const message: ChatMessage = { id, role: "agent", text, agent, status: "complete" };
    if (this.list.some((m) => m.id === id))
      this.update(id, (m) => ({ ...message, agent: agent ?? m.agent }));
    else this.list = [...this.list, message];
  }

  /** Streamed text that no whole message confirmed (a failed turn, or replies joined into one). */
  dropStreaming(): void {
    if (this.list.some((m) => m.status === "streaming"))
      this.list = this.list.filter((m) => m.status !== "streaming");
  }

  /**
   * Applies the server's history after a (re)connect. The history is the truth: it is lined up
   * against what the client already shows (it may start later, if the server keeps only recent
   * messages), matching lines keep their ids, new lines are added, and learner messages the server
   * never saw become `failed`. Messages still `queued` stay queued, at the end.
   */
  applyHistory(history: HistoryLine[]): void {
    const queued = this.list.filter((m) => m.status === "queued");
    const known = this.list.filter((m) => m.status !== "queued" && m.status !== "streaming");
    let offset = -1;
    for (let o = 0; o < known.length && offset < 0; o++) {
      const overlap = Math.min(known.length - o, history.length);
      let matches = true;
      for (let i = 0; i < overlap && matches; i++) matches = same(known[o + i]!, history[i]!);
      if (matches) offset = o;
    }
    if (offset < 0) {
      // Nothing lines up (a first load, or a conversation changed elsewhere): take the server's.
      this.list = [...history.map((line, i) => this.fromHistory(line, i)), ...queued];
      return;
    }
    const next: ChatMessage[] = known.slice(0, offset);
    history.forEach((line, i) => {
      const mine = known[offset + i];
      if (mine && same(mine, line)) {
        next.push(mine.role === "user" ? { ...mine, status: "delivered" } : mine);
      } else {
        next.push(this.fromHistory(line, offset + i));
      }
    });
    for (const mine of known.slice(offset + history.length)) {
      if (mine.role === "user") next.push({ ...mine, status: "failed" });
    }
    this.list = [...next, ...queued];
  }

  private fromHistory(line: HistoryLine, position: number): ChatMessage {
    return {
      id: `history-${position}`,
      role: line.role,
      text: line.text,
      status: line.role === "user" ? "delivered" : "complete",
    };
  }

  private update(id: string, change: (m: ChatMessage) => ChatMessage): void {
    this.list = this.list.map((m) => (m.id === id ? change(m) : m));
  }
}
