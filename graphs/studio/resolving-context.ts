import type { RunnableConfig } from "@langchain/core/runnables";

type RunOptions = RunnableConfig & { context?: unknown };

interface Streams {
  stream(input: unknown, options?: RunOptions): Promise<unknown>;
}

type Resolve = (context: unknown, config: RunOptions) => Promise<object>;

/**
 * The graph, taking each run's context as `resolve` completes it. `invoke`, `streamEvents` and the
 * dev server's runs all go through `stream`, so completing the context there reaches every run.
 */
export function resolvingContext<G extends Streams>(graph: G, resolve: Resolve): G {
  const stream = graph.stream.bind(graph);
  return Object.assign(graph, {
    stream: async (input: unknown, options: RunOptions = {}) =>
      stream(input, { ...options, context: await resolve(options.context, options) }),
  });
}
