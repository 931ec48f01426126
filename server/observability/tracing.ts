import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";

/**
 * LangSmith tracing needs nothing from the server while it runs: with LANGSMITH_TRACING=true,
 * LangChain adds its tracer to every run, and each turn's run carries the thread id (LangGraph
 * copies `thread_id` into the run's metadata). With it off, no tracer runs at all. The tracer sends
 * runs in the background, in batches; this sends what is still queued before the process exits.
 */
export async function flushTraces(timeoutMs = 5_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([awaitAllCallbacks(), deadline]).finally(() => clearTimeout(timer));
}
