import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk, ChatResult } from "@langchain/core/outputs";
import type { AgentName } from "../../domain/index.js";
import type { ModelFactory } from "../../graphs/index.js";
import { ScriptedChatModel } from "../../graphs/models/index.js";

/** Waits `ms`, or less if `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** What a slow server started with `REPORT_MODEL_CALLS=1` writes as each model call starts. */
export const MODEL_CALL_STARTED = '{"msg":"model call started"}';

/** The offline tutor, taking between `minMs` and `maxMs` to start each answer, as a real model. */
class SlowScriptedChatModel extends ScriptedChatModel {
  constructor(
    agent: AgentName,
    private readonly delay: () => number,
    private readonly onCall: () => void,
  ) {
    super({ agent });
  }

  override async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
  ): Promise<ChatResult> {
    this.onCall();
    await pause(this.delay(), options.signal);
    return super._generate(messages, options);
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    this.onCall();
    await pause(this.delay(), options.signal);
    yield* super._streamResponseChunks(messages, options, runManager);
  }
}

/**
 * Every agent on the scripted model, each call slowed to `minMs`–`maxMs`; `onCall` is told as each
 * call starts.
 */
export function slowScriptedModels(
  minMs: number,
  maxMs: number,
  onCall: () => void = () => {},
): ModelFactory {
  const delay = () => minMs + Math.random() * (maxMs - minMs);
  const models = new Map<AgentName, ScriptedChatModel>();
  return {
    kind: "scripted",
    describe: () => `scripted (offline), ${minMs}–${maxMs} ms per call`,
    forAgent(agent) {
      let model = models.get(agent);
      if (!model) {
        model = new SlowScriptedChatModel(agent, delay, onCall);
        models.set(agent, model);
      }
      return model;
    },
  };
}
