import { BaseCallbackHandler } from "@langchain/core/callbacks/base";

/**
 * Tells when a graph run is over for good. LangGraph reports the end (or the error) of the root run
 * only after the run's last checkpoint writes have settled, whereas the run's stream, once aborted,
 * throws at once. A run that never started is over already.
 */
export class RunSettled extends BaseCallbackHandler {
  name = "run_settled";
  override awaitHandlers = true;
  private started = false;
  private finish!: () => void;
  private readonly finished = new Promise<void>((resolve) => (this.finish = resolve));

  override handleChainStart(
    _chain: unknown,
    _inputs: unknown,
    _runId: string,
    parentRunId?: string,
  ) {
    if (parentRunId === undefined) this.started = true;
  }

  override handleChainEnd(_outputs: unknown, _runId: string, parentRunId?: string) {
    if (parentRunId === undefined) this.finish();
  }

  override handleChainError(_error: unknown, _runId: string, parentRunId?: string) {
    if (parentRunId === undefined) this.finish();
  }

  /** Resolves once the run is over, or after `limitMs` at most. */
  async wait(limitMs: number): Promise<void> {
    if (!this.started) return;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
    await Promise.race([this.finished, limit]);
    clearTimeout(timer);
  }
}
