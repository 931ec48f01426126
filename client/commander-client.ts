import type { z } from "zod";
import { describeClose } from "./close-codes.js";
import { ConversationClient, type ClientOptions } from "./conversation-client.js";
import { ClientClosedError } from "./errors.js";
import {
  CommanderServerFrame,
  type CommanderAgentMessage,
  type Enrollment,
  type ErrorFrame,
  type MissionCreatedFrame,
  type Mission,
} from "./protocol.js";

export type { Enrollment, Mission };
export type CommanderFrame = z.infer<typeof CommanderServerFrame>;
export type CommanderReply =
  | z.infer<typeof CommanderAgentMessage>
  | z.infer<typeof MissionCreatedFrame>
  | z.infer<typeof ErrorFrame>;

export interface CommanderOptions extends ClientOptions {
  /** The interview to resume; without it `connect()` starts a new one (`POST /api/v1/sessions`). */
  sessionId?: string;
  /** `"all"` adds processing markers, every utterance and the curator handover (`?events=all`). */
  events?: "all";
}

export interface CommanderTurn {
  /** Every frame of the turn, in order. */
  frames: CommanderFrame[];
  /** What answered: `mission_created`, else an `error`, else the (last) `agent_message`. */
  reply: CommanderReply;
}

const REPLIES = new Set(["agent_message", "mission_created", "error"]);

/**
 * The Mission Commander (Polaris): interviews the learner and creates a mission. By default the
 * server answers each message with exactly one frame; `ask` resolves with it.
 */
export class CommanderClient extends ConversationClient<CommanderFrame> {
  private session: string | undefined;
  private created: z.infer<typeof MissionCreatedFrame> | undefined;

  constructor(readonly commanderOptions: CommanderOptions = {}) {
    super(commanderOptions, {
      path: "/api/v1/mission-commander/ws",
      schema: CommanderServerFrame,
      textField: "content",
      defaultAgent: "polaris",
    });
    this.session = commanderOptions.sessionId;
  }

  /** The interview's session id, once known. */
  get sessionId(): string | undefined {
    return this.session;
  }

  get mission(): Mission | undefined {
    return this.created?.mission;
  }

  get enrollment(): Enrollment | undefined {
    return this.created?.enrollment;
  }

  /** Sends a message and resolves with the reply (an `error` reply resolves too). */
  async ask(text: string): Promise<CommanderTurn> {
    const frames = await this.enqueue(text);
    const replies = frames.filter((f): f is CommanderReply => REPLIES.has(f.type));
    const reply =
      replies.find((f) => f.type === "mission_created") ??
      replies.find((f) => f.type === "error") ??
      replies.at(-1);
    if (!reply) throw new Error("The turn ended without a reply");
    return { frames, reply };
  }

  protected async query(): Promise<URLSearchParams> {
    if (!this.session) this.session = await this.createSession();
    const params = new URLSearchParams({ session_id: this.session });
    if (this.commanderOptions.events === "all") params.set("events", "all");
    return params;
  }

  /** By default the one reply frame ends the turn; with `events: "all"` turns are bracketed. */
  protected override turnEnd(frame: CommanderFrame, turnFrames: CommanderFrame[]) {
    if (this.commanderOptions.events !== "all") return REPLIES.has(frame.type) ? "now" : undefined;
    return super.turnEnd(frame, turnFrames);
  }

  protected isFinal(frame: CommanderFrame): boolean {
    return frame.type === "mission_created";
  }

  protected observe(frame: CommanderFrame): void {
    if (frame.type === "mission_created") this.created = frame;
  }

  private async createSession(): Promise<string> {
    const res = await this.authorizedFetch("/api/v1/sessions", { method: "POST" });
    if (res.status === 401 || res.status === 403) {
      // Like a socket refused with 1008: retrying would only be refused again.
      const reason = `Authentication failed: could not start an interview (HTTP ${res.status})`;
      throw new ClientClosedError(describeClose(1008, reason, false));
    }
    if (res.status !== 201) throw new Error(`Could not start an interview (HTTP ${res.status})`);
    return ((await res.json()) as { session_id: string }).session_id;
  }
}
