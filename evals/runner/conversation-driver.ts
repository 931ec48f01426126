import type { FrameSink } from "./recording-socket.js";
import { RecordingSocket } from "./recording-socket.js";

export interface DriverOptions {
  /** `ws://127.0.0.1:<port>` */
  ws: string;
  /** The socket's path and query. */
  path: string;
  token: string;
  agent: "commander" | "ally";
  /** Commander with `?events=all`: turns are bracketed like the Ally's. */
  allEvents: boolean;
  /** Whether the conversation is over in the store, so the server will close a new socket. */
  isFinished: () => Promise<boolean>;
  timeoutMs: number;
}

/** A step the driver could not complete: the case fails with this, and the next steps still run. */
class StepError extends Error {}

/**
 * Plays the learner's side over real sockets and records every frame. A turn ends with its last
 * reply frame: `agent_processing_end` (Ally, Commander with `events=all`), the one reply frame
 * (Commander), or `error`; a ping then collects anything the server sent after it.
 */
export class ConversationDriver {
  readonly sink: FrameSink = { entries: [], step: 0 };
  private socket: RecordingSocket | undefined;
  private connections = 0;

  constructor(private readonly options: DriverOptions) {}

  private get turnEnds(): string[] {
    return this.options.agent === "ally" || this.options.allEvents
      ? ["agent_processing_end", "error"]
      : ["agent_message", "mission_created", "error"];
  }

  /** Opens a socket and waits for its opening frames (and, if the conversation is over, the close). */
  async open(): Promise<void> {
    const { ws, path, token, timeoutMs } = this.options;
    const from = this.sink.entries.length;
    const socket = new RecordingSocket(`${ws}${path}`, token, this.sink, this.connections++);
    this.socket = socket;
    await socket.opened;
    const first = await socket.waitForFrame(["connected", "error"], from, timeoutMs);
    if (first?.type !== "connected") return;
    if (await this.options.isFinished()) await socket.waitForClose(timeoutMs);
    else await socket.settle(timeoutMs);
  }

  async say(text: string): Promise<void> {
    const socket = this.socket;
    if (!socket?.isOpen) {
      const why = socket?.closed ? ` (${socket.closed.code} ${socket.closed.reason})` : "";
      throw new StepError(`the socket was closed${why}, so this message could not be sent`);
    }
    const from = socket.position;
    const field = this.options.agent === "commander" ? "content" : "message";
    socket.send({ type: "user_message", [field]: text });
    await socket.waitForFrame(this.turnEnds, from, this.options.timeoutMs);
    await socket.settle(this.options.timeoutMs);
  }

  async reconnect(): Promise<void> {
    await this.socket?.close();
    await this.open();
  }

  async close(): Promise<void> {
    await this.socket?.close();
  }

  /** Whether a message can be sent now. */
  get isOpen(): boolean {
    return this.socket?.isOpen ?? false;
  }

  /** Which case step the frames that arrive now belong to. */
  startStep(index: number): void {
    this.sink.step = index;
  }
}
