import type { Forbidden } from "../runner/case-schema.js";
import { isServerFrame } from "../runner/frame-log.js";
import type { CaseTrace } from "../runner/trace.js";
import { verdict, type CheckResult } from "./check.js";

type Scored = Pick<CaseTrace, "frames" | "trajectory">;

const excerpt = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text);

function violations(rule: Forbidden, trace: Scored): string[] {
  if ("frame" in rule) {
    return trace.frames.flatMap((e) =>
      isServerFrame(e) && e.frame.type === rule.frame
        ? [
            `step ${e.step}: ${rule.frame} frame${e.frame.message ? ` "${excerpt(String(e.frame.message))}"` : ""}`,
          ]
        : [],
    );
  }
  if ("tool" in rule || "handover" in rule) {
    const [kind, name] = "tool" in rule ? ["tool", rule.tool] : ["handover", rule.handover];
    return trace.trajectory.flatMap((item) =>
      item.kind === kind && item.name === name ? [`step ${item.step}: ${kind}:${name}`] : [],
    );
  }
  const pattern = new RegExp(rule.says, "i");
  return trace.frames.flatMap((e) => {
    if (!isServerFrame(e) || e.frame.type !== "agent_message") return [];
    if (rule.agent && e.frame.agent !== rule.agent) return [];
    const text = String(e.frame.message ?? e.frame.content ?? "");
    const found = pattern.exec(text);
    return found ? [`step ${e.step}: said "${excerpt(found[0])}" (matches /${rule.says}/i)`] : [];
  });
}

/** Frames, tool calls, handovers or words the case says must never appear. */
export function scoreForbidden(rules: Forbidden[], trace: Scored): CheckResult {
  return verdict(
    "forbidden",
    rules.flatMap((rule) => violations(rule, trace)),
  );
}
