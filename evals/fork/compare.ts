import type { Turn } from "../../graphs/index.js";
import { diffState } from "../../web/graphs/src/state-diff.js";
import type { ForkSide, ForkTurn, StateChange } from "./fork-data.js";

/** A turn as the side-by-side view shows it. */
export function sideOf(turn: Turn): ForkSide {
  const said = [...turn.steps.flatMap((step) => step.said), ...turn.unattributed];
  return {
    replies: said.flatMap((s) => (s.kind === "say" ? [s.text] : [])),
    path: turn.steps.map((step) => step.node),
    tools: said.flatMap((s) =>
      s.kind === "tool_call"
        ? [`${s.name}(${s.args})`]
        : s.kind === "tool_result"
          ? [`→ ${s.text}`]
          : [],
    ),
    ...(turn.state && { state: turn.state }),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** When something happened (`asked_at`, `at`) differs between any two runs, so it is not compared. */
const isTime = (change: StateChange) => /(?:^|[._])at$/.test(change.path);

/**
 * The original's turns after the fork point beside the fork's, in order, with what differs marked:
 * replies, path and tools as wholes, the state field by field (times left out).
 */
export function compareTurns(original: Turn[], fork: Turn[], firstTurn: number): ForkTurn[] {
  return Array.from({ length: Math.max(original.length, fork.length) }, (_, i) => {
    const before = original[i] && sideOf(original[i]);
    const after = fork[i] && sideOf(fork[i]);
    const changes = diffState(before?.state, after?.state).filter((c) => !isTime(c));
    return {
      turn: firstTurn + i,
      learner: original[i]?.learner ?? fork[i]?.learner ?? "",
      ...(before && { original: before }),
      ...(after && { fork: after }),
      differs: {
        replies: !same(before?.replies, after?.replies),
        path: !same(before?.path, after?.path),
        tools: !same(before?.tools, after?.tools),
        state: changes.length > 0,
      },
      state_changes: changes,
    };
  });
}
