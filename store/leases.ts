import type { RunnableConfig } from "@langchain/core/runnables";

/**
 * The run config key (`configurable.lease_token`) carrying the fencing token of the conversation
 * lease a turn runs under. Both savers check it inside the write that stores a checkpoint or
 * writes: a token that is no longer the thread's current one fails the write, which is not
 * applied. Runs without it (tools, the graph pages) write unfenced.
 */
export const LEASE_TOKEN = "lease_token";

export function leaseTokenOf(config: RunnableConfig): number | null {
  const token: unknown = config.configurable?.[LEASE_TOKEN];
  return typeof token === "number" && Number.isInteger(token) && token > 0 ? token : null;
}

/** The thread a fenced checkpoint write belongs to: the lease's key. */
export function threadOf(config: RunnableConfig): string {
  return String(config.configurable?.thread_id ?? "");
}

/** A saver that can delete a thread only while a lease token is current (see `LeaseStore`). */
export interface FencedThreadDelete {
  deleteThreadFenced(threadId: string, token: number): Promise<void>;
}

export function canDeleteFenced(saver: object): saver is FencedThreadDelete {
  return typeof (saver as Partial<FencedThreadDelete>).deleteThreadFenced === "function";
}
