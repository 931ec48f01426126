import type { EvalCase } from "./case-schema.js";
import { ruleMismatch } from "./matchers.js";
import { pathProblem } from "./state-paths.js";
import type { Vocabulary } from "./vocabulary.js";

/** Expectations that only one of the two conversations can meet. */
const ALLY_ONLY = ["checkpoints_in_order", "progress", "completed_checkpoints"] as const;
const COMMANDER_ONLY = ["mission_valid"] as const;

const list = (names: Iterable<string>) => [...names].sort().join(", ");

/**
 * Every name a case's rules use, against the graph it runs on: agents, nodes, tools and their
 * arguments, state keys and frame types. A rule that names something the graph does not have
 * could never match, so each one is a problem, with where it is in the case.
 */
export function caseProblems(evalCase: EvalCase, vocabulary: Vocabulary): string[] {
  const problems: string[] = [];
  const { graph } = vocabulary;
  const agent = (path: string, value: string | undefined) => {
    if (value !== undefined && !vocabulary.agents.has(value)) {
      problems.push(
        `${path}: ${graph} has no agent "${value}" (its agents: ${list(vocabulary.agents)})`,
      );
    }
  };
  const tool = (path: string, value: string, args?: Record<string, unknown>) => {
    const known = vocabulary.tools.get(value);
    if (!known) {
      problems.push(
        `${path}: ${graph}'s agents call no tool "${value}" (they call: ${list(vocabulary.tools.keys())})`,
      );
      return;
    }
    for (const [key, rule] of Object.entries(args ?? {})) {
      const schema = known.get(key);
      if (!schema) {
        problems.push(
          `${path}.args.${key}: ${value} has no argument "${key}" (its arguments: ${list(known.keys()) || "none"})`,
        );
        continue;
      }
      const mismatch = ruleMismatch(rule, schema);
      if (mismatch)
        problems.push(`${path}.args.${key}: ${value}'s "${key}" can never match: ${mismatch}`);
    }
  };
  const frame = (path: string, value: string) => {
    if (!vocabulary.frames.has(value)) {
      problems.push(`${path}: ${graph}'s socket sends no "${value}" frame`);
    }
  };

  const { expect } = evalCase;
  expect.trajectory?.steps.forEach((step, i) => {
    const path = `expect.trajectory.steps.${i}`;
    if (step.kind === "tool") tool(path, step.name, step.args);
    else agent(path, step.name);
  });
  expect.forbidden.forEach((rule, i) => {
    const path = `expect.forbidden.${i}`;
    if ("tool" in rule) tool(path, rule.tool);
    else if ("handover" in rule) agent(path, rule.handover);
    else if ("frame" in rule) frame(path, rule.frame);
    else agent(`${path}.agent`, rule.agent);
  });
  expect.replies.forEach((reply, i) => agent(`expect.replies.${i}.agent`, reply.agent));
  expect.nodes?.turns.forEach((nodes, turn) =>
    nodes?.forEach((node, i) => {
      if (!vocabulary.nodes.has(node)) {
        problems.push(
          `expect.nodes.turns.${turn}.${i}: ${graph} has no node "${node}" (its nodes: ${list(vocabulary.nodes)})`,
        );
      }
    }),
  );
  for (const key of Object.keys(expect.state?.values ?? {})) {
    const [root, ...rest] = key.split(".") as [string, ...string[]];
    if (!vocabulary.state.has(root)) {
      problems.push(
        `expect.state.values.${key}: ${graph}'s state has no "${root}" (it has: ${list(vocabulary.state)})`,
      );
      continue;
    }
    const inside = pathProblem(root, vocabulary.stateSchemas.get(root), rest);
    if (inside) problems.push(`expect.state.values.${key}: in ${graph}'s state, ${inside}`);
  }
  const onlyFor = evalCase.agent === "ally" ? COMMANDER_ONLY : ALLY_ONLY;
  for (const key of onlyFor) {
    if (expect.state?.[key] !== undefined) {
      problems.push(`expect.state.${key}: a ${evalCase.agent} conversation never has it`);
    }
  }

  const simulated = evalCase.turns.some((t) => "simulate" in t);
  const learnerTurns = evalCase.turns.filter((t) => "user" in t).length;
  evalCase.turns.forEach((turn, i) => {
    if (!("simulate" in turn)) return;
    if (turn.simulate.until) frame(`turns.${i}.simulate.until`, turn.simulate.until);
    if (!evalCase.seed.learner.persona) {
      problems.push(`turns.${i}.simulate: the simulated learner needs seed.learner.persona`);
    }
  });
  if (!simulated) {
    expect.replies.forEach((reply, i) => {
      if (reply.turn !== undefined && reply.turn > learnerTurns) {
        problems.push(
          `expect.replies.${i}.turn: the case sends ${learnerTurns} learner messages, not ${reply.turn}`,
        );
      }
    });
    if (expect.nodes && expect.nodes.turns.length !== learnerTurns) {
      problems.push(
        `expect.nodes.turns: ${expect.nodes.turns.length} entries for ${learnerTurns} learner messages`,
      );
    }
  }
  return problems;
}
