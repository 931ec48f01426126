import type { MatchMode, NodeExpectations } from "../runner/case-schema.js";
import type { CaseTrace } from "../runner/trace.js";
import { verdict, type CheckResult } from "./check.js";

type Scored = Pick<CaseTrace, "steps">;

const show = (nodes: readonly string[]) => (nodes.length > 0 ? nodes.join(" → ") : "(nothing)");

function counts(nodes: readonly string[]): Map<string, number> {
  const counted = new Map<string, number>();
  for (const node of nodes) counted.set(node, (counted.get(node) ?? 0) + 1);
  return counted;
}

/** What is wrong with one learner message's path, compared in `mode`. */
function turnFailure(mode: MatchMode, expected: string[], actual: string[]): string | undefined {
  const ran = new Set(actual);
  const wanted = new Set(expected);
  switch (mode) {
    case "strict":
      return show(actual) === show(expected) ? undefined : "differs";
    case "unordered": {
      const [a, b] = [counts(actual), counts(expected)];
      const same = a.size === b.size && [...a].every(([node, n]) => b.get(node) === n);
      return same ? undefined : "runs other nodes, or as often";
    }
    case "subset": {
      const extra = actual.filter((node) => !wanted.has(node));
      return extra.length === 0 ? undefined : `also ran ${[...new Set(extra)].join(", ")}`;
    }
    case "superset": {
      const missing = expected.filter((node) => !ran.has(node));
      return missing.length === 0 ? undefined : `never ran ${[...new Set(missing)].join(", ")}`;
    }
  }
}

/**
 * The nodes each learner message ran, against the expected ones, in the manner of agentevals'
 * graph trajectory match: `strict` the same nodes in the same order; `unordered` the same nodes
 * as often, in any order; `subset` no node that was not expected; `superset` every expected
 * node (others may run too). Messages are compared one by one; a null entry accepts any path.
 */
export function scoreNodes(expected: NodeExpectations, trace: Scored): CheckResult {
  const paths = trace.steps.filter((step) => "user" in step.input).map((step) => step.path);
  const failures: string[] = [];
  if (paths.length !== expected.turns.length) {
    failures.push(
      `${paths.length} learner messages ran, ${expected.turns.length} paths were expected`,
    );
  }
  expected.turns.forEach((nodes, index) => {
    const actual = paths[index];
    if (nodes === null || actual === undefined) return;
    const problem = turnFailure(expected.match, nodes, actual);
    if (problem) {
      failures.push(
        `learner message ${index + 1} ${problem}: expected ${show(nodes)}, ran ${show(actual)}`,
      );
    }
  });
  return verdict("nodes", failures);
}
