import WebSocket from "ws";
import { Connection } from "../../client/index.js";

export type AgentName = "commander" | "ally";

type Frame = { type: string; message?: unknown } & Record<string, unknown>;

export interface TurnResult {
  /** From sending the learner's message to the end of the agent's answer. */
  ms: number;
  /**
   * What went wrong, as a kind to count: "error <code>" ("error busy"), "error: <message>",
   * "closed <code>" or "timeout".
   */
  failure?: string;
  /** The agent finished the conversation (mission created, or mission completed). */
  finished: boolean;
  /** The agent's messages, in order. */
  replies: string[];
}

const FINISHING = new Set(["mission_created", "session_closed"]);

/**
 * A learner's socket to one agent, speaking the wire protocol as a seed client does: a Commander
 * turn ends with its one answer frame, an Ally turn with `agent_processing_end`. Either ends early
 * with an `error` frame that arrives outside a turn, or when the socket closes.
 */
export class AgentSocket {
  private frames: Frame[] = [];
  private onFrame: (() => void) | undefined;
  private closed: { code: number; reason: string } | undefined;

  private constructor(
    private readonly connection: Connection,
    private readonly agent: AgentName,
  ) {
    connection.on("frame", ({ json }) => {
      this.frames.push(json as Frame);
      this.onFrame?.();
    });
    connection.on("close", (close) => {
      this.closed = close;
      this.onFrame?.();
    });
  }

  /** Connects and waits for `connected` (and any history that follows it). */
  static async open(url: string, agent: AgentName, timeoutMs = 30_000): Promise<AgentSocket> {
    const learner = new AgentSocket(new Connection(url, { WebSocket }), agent);
    await learner.until(() => learner.frames.some((f) => f.type === "connected"), timeoutMs);
    const refused = learner.frames.find((f) => f.type === "error");
    if (refused || learner.closed)
      throw new Error(`${agent} socket refused: ${JSON.stringify(refused ?? learner.closed)}`);
    learner.frames = [];
    return learner;
  }

  async turn(text: string, timeoutMs = 120_000): Promise<TurnResult> {
    const started = performance.now();
    this.frames = [];
    const field = this.agent === "commander" ? "content" : "message";
    this.connection.send({ type: "user_message", [field]: text });
    let failure: string | undefined;
    try {
      await this.until(() => this.turnEnded(), timeoutMs);
      // An Ally turn that failed sends its `error` right after `agent_processing_end`.
      await new Promise((resolve) => setImmediate(resolve));
    } catch {
      failure = "timeout";
    }
    const error = this.frames.find((f) => f.type === "error");
    failure ??= error
      ? typeof error.code === "string"
        ? `error ${error.code}`
        : `error: ${String(error.message)}`
      : this.closed && !this.frames.some((f) => FINISHING.has(f.type))
        ? `closed ${this.closed.code} ${this.closed.reason}`.trim()
        : undefined;
    return {
      ms: performance.now() - started,
      failure,
      finished: this.frames.some((f) => FINISHING.has(f.type)),
      replies: this.frames.flatMap((f) =>
        f.type === "agent_message" ? [String(f.message ?? f.content)] : [],
      ),
    };
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.connection.close();
    return this.until(() => this.closed !== undefined, 10_000).catch(() =>
      this.connection.terminate(),
    );
  }

  private turnEnded(): boolean {
    if (this.closed) return true;
    const types = this.frames.map((f) => f.type);
    if (this.agent === "commander")
      return types.some((t) => t === "agent_message" || t === "error" || FINISHING.has(t));
    if (types.includes("agent_processing_end")) return true;
    return types.includes("error") && !types.includes("agent_processing_start");
  }

  private until(done: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => {
        this.onFrame = undefined;
        reject(new Error("timeout"));
      }, timeoutMs);
      this.onFrame = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.onFrame = undefined;
        resolve();
      };
    });
  }
}
