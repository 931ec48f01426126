import { randomUUID } from "node:crypto";
import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  NO_TRANSCRIPT_MARK,
  TranscriptMarkSchema,
  unabsorbedEntries,
  type NewTranscriptEntry,
  type TranscriptEntry,
  type TranscriptMark,
} from "../../domain/index.js";
import { busyNotice } from "../../graphs/index.js";
import {
  LEASE_TOKEN,
  TURN_ID,
  isStoreBusy,
  readTranscript,
  type TranscriptStore,
} from "../../store/index.js";
import { CloseWith, type EndpointSpec } from "./socket-endpoint.js";

export interface HistoryItem {
  type: "user_message" | "agent_message";
  text: string;
}

interface StatefulGraph {
  getState(config: RunnableConfig): Promise<{ values: unknown }>;
}

/** A message the learner is about to be shown. */
export interface Reply {
  id: string;
  agent: string;
  node: string | null;
  text: string;
}

const TURN_FAILED =
  "Sorry, something went wrong while processing your message. Please send it again.";
const TURN_CUT_SHORT =
  "Sorry, something went wrong before I could finish. What you have seen is saved, so you can carry on from here.";
const STORE_BUSY =
  "Saving your conversation is taking longer than usual, so your message was not processed. Please send it again in a minute.";

/**
 * The `error` frame's text for a failed turn. A turn that showed nothing was undone, so the learner
 * sends the message again (later, if the store or the model is busy); one that showed something
 * keeps what it showed.
 */
export function turnFailedMessage(error: unknown, shown: boolean): string {
  if (shown) return TURN_CUT_SHORT;
  if (isStoreBusy(error)) return STORE_BUSY;
  return busyNotice(error) ?? TURN_FAILED;
}

/**
 * The endpoint, but a conversation the store is too busy to open (a stale lock) ends with 1013,
 * which clients retry, rather than as an internal error.
 */
export function whenStoreBusy(spec: EndpointSpec): EndpointSpec {
  return {
    ...spec,
    async open(connection, data, claim) {
      try {
        return await spec.open(connection, data, claim);
      } catch (error) {
        if (isStoreBusy(error)) throw new CloseWith(1013, "The service is busy; reconnect shortly");
        throw error;
      }
    },
  };
}

const messageId = (message: BaseMessage, index: number) => message.id ?? `message-${index}`;

/**
 * Conversations stored before the transcript log existed have their messages only in the thread:
 * the first time one is opened its learner and agent texts are copied into the log, each turn under
 * the id of the learner message that began it. Appends are idempotent, so two sockets opening it
 * at once copy it once.
 */
async function backfill(
  store: TranscriptStore,
  threadId: string,
  messages: BaseMessage[],
): Promise<TranscriptEntry[]> {
  const entries: NewTranscriptEntry[] = [];
  let turn = "";
  messages.forEach((message, index) => {
    const id = messageId(message, index);
    if (message.type === "human") turn = id;
    if ((message.type !== "human" && message.type !== "ai") || !message.text.trim()) return;
    const learner = message.type === "human";
    entries.push({
      id,
      role: learner ? "learner" : "agent",
      agent: learner ? null : (message.name ?? null),
      node: null,
      text: message.text,
      turn_id: turn,
    });
  });
  return entries.length > 0 ? store.append(threadId, entries) : [];
}

const asMessage = (entry: TranscriptEntry): BaseMessage =>
  entry.role === "learner"
    ? new HumanMessage({ id: entry.id, content: entry.text })
    : new AIMessage({ id: entry.id, content: entry.text, name: entry.agent ?? undefined });

/**
 * One socket's side of a conversation's transcript log (`store.transcripts`), which holds every
 * message the learner saw and backs `historical_messages`.
 *
 * The invariant: a message is appended to the log before its frame is sent, so nothing is shown as
 * said unless it is saved. The thread's checkpoint lands only at the end of a turn, so a crash (or
 * a failure after something was shown) can leave entries the thread never took in: the thread's
 * `transcript` mark says how far it got, and those entries are folded into the next turn's input,
 * ahead of the learner's new message, so the agents see what the learner saw.
 */
export class ConversationLog {
  /** An append failed, so the log may hold entries this socket was never told of. */
  private unsure = false;

  private constructor(
    private readonly store: TranscriptStore,
    readonly threadId: string,
    /** The last entry this socket knows of. */
    private lastSeq: number,
    /** Entries shown to the learner that the thread has not taken in. */
    private pending: TranscriptEntry[],
  ) {}

  /** Reads the thread and its transcript (copying an older conversation's in first). */
  static async open(
    store: TranscriptStore,
    graph: StatefulGraph,
    threadId: string,
  ): Promise<{ log: ConversationLog; values: Record<string, unknown>; history: HistoryItem[] }> {
    const [state, stored] = await Promise.all([
      graph.getState({ configurable: { thread_id: threadId } }),
      readTranscript(store, threadId),
    ]);
    const values = (state.values ?? {}) as Record<string, unknown>;
    const messages = (values.messages as BaseMessage[] | undefined) ?? [];
    const entries = stored.length > 0 ? stored : await backfill(store, threadId, messages);
    const mark = TranscriptMarkSchema.safeParse(values.transcript).data ?? NO_TRANSCRIPT_MARK;
    const known = new Set(messages.map(messageId));
    const pending = unabsorbedEntries(entries, mark).filter((entry) => !known.has(entry.id));
    const history = entries.map((entry): HistoryItem => ({
      type: entry.role === "learner" ? "user_message" : "agent_message",
      text: entry.text,
    }));
    const log = new ConversationLog(store, threadId, entries.at(-1)?.seq ?? 0, pending);
    return { log, values, history };
  }

  /**
   * Starts a turn on the learner's `text`: its graph input carries whatever the thread has not
   * taken in yet, then the new message. Every append of the turn, and every checkpoint write
   * through its `configurable`, carries `fence`, the conversation lease's token.
   *
   * The socket took the lease before it opened the log, and the fence refuses every other socket's
   * appends since, so the log holds nothing this socket has not heard of, and a turn reads nothing
   * first. The exception is an append that failed: it may have landed all the same (a commit whose
   * answer was lost), so the next turn reads what follows the last entry it knows of.
   */
  async startTurn(text: string, fence: number): Promise<TurnLog> {
    if (this.unsure) {
      this.take(await this.store.list(this.threadId, { afterSeq: this.lastSeq }), true);
      this.unsure = false;
    }
    const id = randomUUID();
    const input = {
      messages: [...this.pending.map(asMessage), new HumanMessage({ id, content: text })],
      transcript: { seq: this.lastSeq, turn: id },
    };
    return new TurnLog(id, text, input, fence, {
      append: async (entries) => {
        this.unsure = true;
        const stored = await this.store.append(this.threadId, entries, { fence });
        this.unsure = false;
        this.take(stored, false);
        return stored;
      },
      finish: (ok, recorded) => {
        // A turn whose checkpoint landed took in everything; an undone one took in nothing.
        if (ok) this.pending = [];
        else this.take(recorded, true);
      },
    });
  }

  private take(entries: TranscriptEntry[], pending: boolean): void {
    for (const entry of entries) {
      this.lastSeq = Math.max(this.lastSeq, entry.seq);
      if (pending && !this.pending.some((p) => p.id === entry.id)) this.pending.push(entry);
    }
  }
}

interface TurnLogSink {
  append(entries: NewTranscriptEntry[]): Promise<TranscriptEntry[]>;
  finish(ok: boolean, recorded: TranscriptEntry[]): void;
}

/** One turn's appends. The learner's message goes in with the first reply shown. */
export class TurnLog {
  /** Names the turn and its lease token for the checkpointers (`store/turns.ts`, `store/leases.ts`). */
  readonly configurable: Record<string, string | number>;
  private recorded: TranscriptEntry[] = [];

  constructor(
    /** The turn's id, which is also the learner message's id. */
    readonly id: string,
    private readonly text: string,
    /** The graph input: folded entries, the learner's message and the thread's new mark. */
    readonly input: { messages: BaseMessage[]; transcript: TranscriptMark },
    fence: number,
    private readonly sink: TurnLogSink,
  ) {
    this.configurable = { [TURN_ID]: id, [LEASE_TOKEN]: fence };
  }

  /** Whether the learner has been shown anything of this turn. */
  get shown(): boolean {
    return this.recorded.some((entry) => entry.role === "agent");
  }

  /** Makes `reply` durable, with the learner's message the first time. Call before its frame. */
  async record(reply: Reply): Promise<void> {
    const { id, agent, node, text } = reply;
    await this.append([{ id, role: "agent", agent, node, text, turn_id: this.id }]);
  }

  /** Makes the learner's message durable if no reply did. Call before the turn's last frame. */
  async recordLearner(): Promise<void> {
    if (this.recorded.length === 0) await this.append([]);
  }

  /** The turn is over: its checkpoint landed (`ok`), or it was undone. */
  finish(ok: boolean): void {
    this.sink.finish(ok, this.recorded);
  }

  private async append(replies: NewTranscriptEntry[]): Promise<void> {
    const learner: NewTranscriptEntry = {
      id: this.id,
      role: "learner",
      agent: null,
      node: null,
      text: this.text,
      turn_id: this.id,
    };
    const entries = this.recorded.length === 0 ? [learner, ...replies] : replies;
    this.recorded.push(...(await this.sink.append(entries)));
  }
}
