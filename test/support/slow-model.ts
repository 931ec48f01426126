import type { BaseChatModel, BindToolsInput } from "@langchain/core/language_models/chat_models";
import { BaseChatModel as ChatModelBase } from "@langchain/core/language_models/chat_models";
import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import type { AgentName, ModelFactory } from "../../graphs/index.js";

export interface ConcurrencyProbe {
  active: number;
  max: number;
  calls: number;
}

/** Wraps a model so every call takes `delayMs` and records how many calls overlap. */
class SlowModel extends ChatModelBase {
  constructor(
    private readonly inner: Runnable<BaseMessage[], AIMessage>,
    private readonly delayMs: number,
    private readonly probe: ConcurrencyProbe,
    private readonly source: BaseChatModel,
  ) {
    super({});
  }

  _llmType(): string {
    return "slow";
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Record<string, unknown>) {
    const bound = this.source.bindTools!(tools, kwargs) as Runnable<BaseMessage[], AIMessage>;
    return new SlowModel(bound, this.delayMs, this.probe, this.source);
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.probe.calls += 1;
    this.probe.active += 1;
    this.probe.max = Math.max(this.probe.max, this.probe.active);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const message = await this.inner.invoke(messages);
      return { generations: [{ message, text: message.text }] };
    } finally {
      this.probe.active -= 1;
    }
  }
}

/** The given factory with `agent`'s model slowed down. */
export function slowFactory(
  base: ModelFactory,
  agent: AgentName,
  delayMs: number,
): { factory: ModelFactory; probe: ConcurrencyProbe } {
  const probe: ConcurrencyProbe = { active: 0, max: 0, calls: 0 };
  const source = base.forAgent(agent);
  const slow = new SlowModel(
    source as unknown as Runnable<BaseMessage[], AIMessage>,
    delayMs,
    probe,
    source,
  );
  return {
    probe,
    factory: {
      kind: base.kind,
      describe: () => `slow ${base.describe()}`,
      forAgent: (name) => (name === agent ? slow : base.forAgent(name)),
    },
  };
}
