import type { BaseChatModel, BindToolsInput } from "@langchain/core/language_models/chat_models";
import { BaseChatModel as ChatModelBase } from "@langchain/core/language_models/chat_models";
import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { Runnable, RunnableConfig } from "@langchain/core/runnables";
import type { AgentName } from "../../domain/index.js";
import type { ModelFactory } from "../../graphs/index.js";

/** A model call's options with the session the graph nodes pass as its run-time context. */
type Session = RunnableConfig & { context?: unknown };

export interface ConcurrencyProbe {
  active: number;
  max: number;
  calls: number;
}

/**
 * Holds model calls until the test opens it, and tells the test when the first call is waiting,
 * so a test can act in the middle of a turn without guessing how long the turn takes.
 */
export class Gate {
  private release!: () => void;
  private arrive!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  private arrived = 0;
  private readonly arrivals: { count: number; resolve: () => void }[] = [];
  /** Resolves once a call is waiting at the gate. */
  readonly reached = new Promise<void>((resolve) => (this.arrive = resolve));

  async pass(): Promise<void> {
    this.arrived += 1;
    this.arrive();
    for (const waiter of this.arrivals) if (this.arrived >= waiter.count) waiter.resolve();
    await this.opened;
  }

  /** Resolves once `count` calls in all have come to the gate. */
  reachedBy(count: number): Promise<void> {
    if (this.arrived >= count) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.push({ count, resolve }));
  }

  /** Lets the waiting call and every later one through. */
  open(): void {
    this.release();
  }
}

export interface WrapOptions {
  /** Calls wait here until the test opens it. */
  gate?: Gate;
  /** The first this-many calls throw, as a failing model endpoint would. */
  failures?: number;
  /** Each call's messages and session are pushed here. */
  seen?: { messages: BaseMessage[]; session: unknown }[];
}

/** Wraps a model to hold it back or make it fail, and records how many calls overlap. */
class WrappedModel extends ChatModelBase {
  constructor(
    private readonly inner: Runnable<BaseMessage[], AIMessage, Session>,
    private readonly options: WrapOptions,
    private readonly probe: ConcurrencyProbe,
    private readonly source: BaseChatModel,
  ) {
    super({ maxRetries: 0 });
  }

  _llmType(): string {
    return "slow";
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Record<string, unknown>) {
    const bound = this.source.bindTools!(tools, kwargs) as Runnable<
      BaseMessage[],
      AIMessage,
      Session
    >;
    return new WrappedModel(bound, this.options, this.probe, this.source);
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"] & { context?: unknown },
  ): Promise<ChatResult> {
    this.probe.calls += 1;
    this.options.seen?.push({ messages, session: options.context });
    this.probe.active += 1;
    this.probe.max = Math.max(this.probe.max, this.probe.active);
    try {
      await this.options.gate?.pass();
      if (this.probe.calls <= (this.options.failures ?? 0))
        throw new Error("model endpoint unavailable");
      // The session travels as the call's run-time context, as the graph nodes pass it.
      const message = await this.inner.invoke(messages, { context: options.context });
      return { generations: [{ message, text: message.text }] };
    } finally {
      this.probe.active -= 1;
    }
  }
}

/** The given factory with `agent`'s model held back or failing. */
export function wrapFactory(
  base: ModelFactory,
  agent: AgentName,
  options: WrapOptions,
): { factory: ModelFactory; probe: ConcurrencyProbe } {
  const probe: ConcurrencyProbe = { active: 0, max: 0, calls: 0 };
  const source = base.forAgent(agent);
  const inner = source as unknown as Runnable<BaseMessage[], AIMessage, Session>;
  const wrapped = new WrappedModel(inner, options, probe, source);
  return {
    probe,
    factory: {
      kind: base.kind,
      describe: () => `wrapped ${base.describe()}`,
      forAgent: (name) => (name === agent ? wrapped : base.forAgent(name)),
    },
  };
}
