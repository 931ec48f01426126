import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { CallbackManager, type Callbacks } from "@langchain/core/callbacks/manager";
import type { BaseMessage, UsageMetadata } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";

export interface TokenUsage {
  input_tokens: number;
  /** Everything billed as output, thinking included. */
  output_tokens: number;
  /** The part of `output_tokens` the model spent thinking (Gemini's `thoughtsTokenCount`). */
  thinking_tokens: number;
  total_tokens: number;
}

export interface AgentUsage extends TokenUsage {
  /** Every model call, failed ones included. */
  model_calls: number;
}

export interface TurnUsage extends AgentUsage {
  /** Calls that failed (an HTTP error, a timeout), which usually bill nothing. */
  failed_calls: number;
  /** Per agent, as named in the node metadata of the graph that called the model. */
  by_agent: Record<string, AgentUsage>;
}

const zero = (): TokenUsage => ({
  input_tokens: 0,
  output_tokens: 0,
  thinking_tokens: 0,
  total_tokens: 0,
});

function add(into: TokenUsage, usage: UsageMetadata): void {
  into.input_tokens += usage.input_tokens;
  into.output_tokens += usage.output_tokens;
  into.thinking_tokens += usage.output_token_details?.reasoning ?? 0;
  into.total_tokens += usage.total_tokens;
}

/**
 * Adds up the token usage of every model call in a run, structured-output calls and failed calls
 * included (their messages never reach graph state). It travels in the run's configurable values
 * under `USAGE_TALLY`, and each model call adds it to its own callbacks (`withUsageTally`): as a
 * callback of the whole run, it would make every node and channel write of the graph report to
 * it, which costs a turn more than all its model calls' bookkeeping.
 */
export class UsageTally extends BaseCallbackHandler {
  name = "usage_tally";
  // The totals must be complete when the run ends, not whenever background callbacks get to it.
  override awaitHandlers = true;
  private readonly agents = new Map<string, string>();
  private readonly usage: TurnUsage = { ...zero(), model_calls: 0, failed_calls: 0, by_agent: {} };

  override handleChatModelStart(
    _llm: unknown,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    const agent = typeof metadata?.agent === "string" ? metadata.agent : "unknown";
    this.agents.set(runId, agent);
    const byAgent = (this.usage.by_agent[agent] ??= { ...zero(), model_calls: 0 });
    byAgent.model_calls += 1;
    this.usage.model_calls += 1;
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const byAgent = this.usage.by_agent[this.agents.get(runId) ?? "unknown"];
    this.agents.delete(runId);
    for (const generation of output.generations.flat()) {
      const message = (generation as { message?: { usage_metadata?: UsageMetadata } }).message;
      if (!message?.usage_metadata) continue;
      add(this.usage, message.usage_metadata);
      if (byAgent) add(byAgent, message.usage_metadata);
    }
  }

  override handleLLMError(_err: unknown, runId: string): void {
    this.agents.delete(runId);
    this.usage.failed_calls += 1;
  }

  get total(): TurnUsage {
    return structuredClone(this.usage);
  }
}

/** The run config key (`configurable.usage_tally`) that carries a run's `UsageTally`. */
export const USAGE_TALLY = "usage_tally";

interface CallConfig {
  callbacks?: Callbacks;
  configurable?: Record<string, unknown>;
}

/** A model call's config with the run's usage tally, if it has one, among its callbacks. */
export function withUsageTally<C extends CallConfig>(config: C): C {
  const tally = config.configurable?.[USAGE_TALLY];
  if (!(tally instanceof UsageTally)) return config;
  const { callbacks } = config;
  const withTally =
    callbacks instanceof CallbackManager
      ? callbacks.copy([tally])
      : [...(Array.isArray(callbacks) ? callbacks : []), tally];
  return { ...config, callbacks: withTally };
}
