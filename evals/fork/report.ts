import type { ForkResult, ForkSide, ForkTurn } from "./fork-data.js";

const WIDTH = 60;

/** `text` cut into lines of at most `width` characters, at spaces where it can be. */
function wrap(text: string, width = WIDTH): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      for (let rest = word; rest;) {
        const room = line ? width - line.length - 1 : width;
        if (rest.length <= room) {
          line = line ? `${line} ${rest}` : rest;
          rest = "";
        } else if (line) {
          lines.push(line);
          line = "";
        } else {
          lines.push(rest.slice(0, width));
          rest = rest.slice(width);
        }
      }
    }
    lines.push(line);
  }
  return lines;
}

function column(side: ForkSide | undefined, part: "replies" | "path" | "tools"): string[] {
  if (!side) return ["(no such turn)"];
  if (part === "path") return wrap(side.path.join(" → ") || "(not recorded)");
  const items = side[part];
  return items.length === 0 ? ["(none)"] : items.flatMap((item) => wrap(item));
}

function sideBySide(label: string, differs: boolean, left: string[], right: string[]): string[] {
  const mark = differs ? "≠" : "=";
  const rows = Math.max(left.length, right.length);
  const out = [`  ${mark} ${label}`];
  for (let i = 0; i < rows; i++) {
    out.push(`    ${(left[i] ?? "").padEnd(WIDTH)} │ ${right[i] ?? ""}`.trimEnd());
  }
  return out;
}

const show = (value: unknown) => (value === undefined ? "—" : JSON.stringify(value));

function turnReport(turn: ForkTurn): string[] {
  const { original, fork, differs } = turn;
  const lines = [
    "",
    `Turn ${turn.turn}: learner: ${turn.learner}`,
    `    ${"original".padEnd(WIDTH)} │ fork`,
    ...sideBySide("replies", differs.replies, column(original, "replies"), column(fork, "replies")),
    ...sideBySide("path", differs.path, column(original, "path"), column(fork, "path")),
    ...sideBySide("tools", differs.tools, column(original, "tools"), column(fork, "tools")),
  ];
  if (!differs.state) lines.push("  = state");
  else {
    lines.push("  ≠ state");
    for (const change of turn.state_changes) {
      lines.push(`    ${change.path}: ${show(change.before)} → ${show(change.after)}`);
    }
  }
  return lines;
}

/** The fork as text for a terminal: each replayed turn, the original beside the fork, `≠` where they differ. */
export function forkReport(result: ForkResult): string {
  const { settings } = result;
  const changed = settings.prompts_changed.length
    ? settings.prompts_changed.join(", ")
    : "none (the shipped prompts)";
  const header = [
    `Fork of ${result.thread} after turn ${result.at_turn}, replayed in ${result.scratch_thread}`,
    `model: ${settings.model}${settings.temperature === undefined ? "" : `, temperature ${settings.temperature}`}; prompts changed: ${changed}`,
  ];
  const differing = result.turns.filter((t) => Object.values(t.differs).some(Boolean)).length;
  const footer = [
    "",
    `${differing} of ${result.turns.length} replayed turns differ.`,
    ...result.errors.map((error) => `error frame: ${error}`),
  ];
  return [...header, ...result.turns.flatMap(turnReport), ...footer].join("\n");
}
