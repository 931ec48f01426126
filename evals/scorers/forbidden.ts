import type { Forbidden } from "../runner/case-schema.js";
import { isServerFrame } from "../runner/frame-log.js";
import type { CaseTrace } from "../runner/trace.js";
import { transcriptOf } from "../runner/transcript.js";
import { verdict, type CheckResult } from "./check.js";

type Scored = Pick<CaseTrace, "frames" | "trajectory" | "steps">;

const excerpt = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text);

function violations(rule: Forbidden, trace: Scored, agent: "commander" | "ally"): string[] {
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
  // Who said a message is read from the transcript, which knows the speaker on every socket
  // (the Commander's frames do not name their agent).
  return transcriptOf(agent, trace).flatMap((line) => {
    if (line.speaker === "learner" || line.speaker === "event") return [];
    if (rule.agent && line.speaker !== rule.agent) return [];
    const found = pattern.exec(line.text);
    return found
      ? [`step ${line.step}: ${line.speaker} said "${excerpt(found[0])}" (matches /${rule.says}/i)`]
      : [];
  });
}

/** Frames, tool calls, handovers or words the case says must never appear. */
export function scoreForbidden(
  rules: Forbidden[],
  trace: Scored,
  agent: "commander" | "ally",
): CheckResult {
  return verdict(
    "forbidden",
    rules.flatMap((rule) => violations(rule, trace, agent)),
  );
}
