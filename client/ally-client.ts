import type { z } from "zod";
import { ConversationClient, type ClientOptions } from "./conversation-client.js";
import {
  AllyServerFrame,
  type AllyAgentMessage,
  type CheckpointUpdate,
  type ErrorFrame,
  type SessionClosed,
} from "./protocol.js";

export type AllyFrame = z.infer<typeof AllyServerFrame>;

export interface AllyOptions extends ClientOptions {
  /** The mission the learner is enrolled in. */
  missionId: string;
}

export interface AllyTurn {
  /** Every frame from `agent_processing_start` to `agent_processing_end`, and what followed it. */
  frames: AllyFrame[];
  messages: z.infer<typeof AllyAgentMessage>[];
  /** The progress after this turn, if a checkpoint was completed. */
  progress?: z.infer<typeof CheckpointUpdate>;
  error?: z.infer<typeof ErrorFrame>;
  /** The mission is complete. */
  closed?: z.infer<typeof SessionClosed>;
}

export interface Progress {
  completed_checkpoints: string[];
  progress: number;
}

/**
 * The Mission Ally (Lumina, with mission_sensei): guides an enrolled learner through the mission.
 * Each turn is bracketed by `agent_processing_start` and `agent_processing_end`.
 */
export class AllyClient extends ConversationClient<AllyFrame> {
  private progressValue: Progress | undefined;
  private completion: string | undefined;

  constructor(readonly allyOptions: AllyOptions) {
    super(allyOptions, {
      path: "/api/v1/mission-ally/ws",
      schema: AllyServerFrame,
      textField: "message",
      defaultAgent: "mission_ally",
    });
  }

  /** The latest `checkpoint_update` of this connection's life, if any. */
  get progress(): Progress | undefined {
    return this.progressValue;
  }

  /** The agent holding the conversation (`mission_ally` or `mission_sensei`). */
  get agent(): string {
    return this.speaking;
  }

  /** The `session_closed` message, once the mission is complete. */
  get completedMessage(): string | undefined {
    return this.completion;
  }

  /** Sends a message and resolves with the whole turn. */
  async ask(text: string): Promise<AllyTurn> {
    const frames = await this.enqueue(text);
    const pick = <T extends AllyFrame["type"]>(type: T) =>
      frames.findLast((f): f is Extract<AllyFrame, { type: T }> => f.type === type);
    return {
      frames,
      messages: frames.filter((f) => f.type === "agent_message"),
      progress: pick("checkpoint_update"),
      error: pick("error"),
      closed: pick("session_closed"),
    };
  }

  protected query(): URLSearchParams {
    return new URLSearchParams({ mission_id: this.allyOptions.missionId });
  }

  protected isFinal(frame: AllyFrame): boolean {
    return frame.type === "session_closed";
  }

  protected observe(frame: AllyFrame): void {
    if (frame.type === "checkpoint_update") {
      this.progressValue = {
        completed_checkpoints: frame.completed_checkpoints,
        progress: frame.progress,
      };
    } else if (frame.type === "session_closed") {
      this.completion = frame.message;
    }
  }
}
