import { h } from "../../app/src/dom.js";
import type { ConversationData } from "../../../graphs/draw/page-data.js";
import { formatValue } from "./format.js";
import { diffState, type Change } from "./state-diff.js";

type State = Record<string, unknown>;

/** An assessment as the state holds it (`domain/assessment.ts`). */
interface Assessment {
  question: string;
  status: "open" | "closed";
  answer: string | null;
  verdict: string | null;
  not_answers: unknown[];
}

const text = (value: unknown) => (typeof value === "string" ? value : formatValue(value));
const titled = (value: unknown) =>
  typeof value === "object" && value !== null && "title" in value ? text(value.title) : undefined;

/** The latest question of the checkpoint: open and how often it was missed, or its verdict. */
function assessmentText(assessments: Assessment[]): string {
  const latest = assessments.at(-1);
  if (!latest) return "no question asked yet";
  if (latest.status === "open") {
    const missed = latest.not_answers.length;
    return `not answered yet: ${text(latest.question)}${missed > 0 ? ` (${missed} reply(ies) did not count)` : ""}`;
  }
  return `answered (${latest.verdict ?? "verdict pending"}): ${text(latest.answer)}`;
}

/**
 * The fields a prompt engineer looks for first, each when the state has it: where the phase
 * machine is, the current checkpoint, the assessment, progress, and on the Commander the
 * curator's draft and what `create_mission` returned.
 */
function highlights(state: State, checkpoints: string[] | undefined): [string, string][] {
  const rows: [string, string][] = [];
  const has = (key: string) => Object.hasOwn(state, key);
  if (has("phase")) rows.push(["Phase", text(state.phase)]);
  if (has("active_agent")) rows.push(["Active agent", text(state.active_agent)]);
  if (typeof state.checkpoint_index === "number") {
    const index = state.checkpoint_index;
    const title = checkpoints?.[index];
    rows.push([
      "Current checkpoint",
      !checkpoints
        ? String(index + 1)
        : title === undefined
          ? `all ${checkpoints.length} complete`
          : `${index + 1} of ${checkpoints.length}: ${title}`,
    ]);
  }
  if (Array.isArray(state.assessments)) {
    const turns = has("learner_turns_in_checkpoint")
      ? `, ${text(state.learner_turns_in_checkpoint)} learner turn(s) in this checkpoint`
      : "";
    rows.push(["Assessment", `${assessmentText(state.assessments as Assessment[])}${turns}`]);
  }
  if (has("progress")) {
    const done = Array.isArray(state.completed_checkpoints)
      ? ` (${state.completed_checkpoints.length} checkpoint(s) complete)`
      : "";
    rows.push(["Progress", `${text(state.progress)}%${done}`]);
  }
  if (has("goal") && state.goal)
    rows.push(["Confirmed goal", Object.values(state.goal).join(" · ")]);
  if (has("draft")) {
    const draft = state.draft as { byte_size_checkpoints?: unknown[] } | null;
    rows.push([
      "Curator's draft",
      draft
        ? `${titled(draft) ?? "untitled"}, ${draft.byte_size_checkpoints?.length ?? 0} checkpoints`
        : "none yet",
    ]);
  }
  if (has("mission_id")) {
    rows.push([
      "create_mission's result",
      state.mission_id ? `mission ${text(state.mission_id)}` : "not run yet",
    ]);
  }
  return rows;
}

/** Longer values are cut in the list of changes; "All values" shows them whole. */
const SHORT = 160;

function value(tag: "span" | "del" | "ins", of: unknown): HTMLElement {
  const full = formatValue(of);
  const cut = full.length > SHORT;
  return h(tag, cut ? { title: full } : {}, cut ? `${full.slice(0, SHORT - 1)}…` : full);
}

function changeItem(change: Change): HTMLElement {
  const path = h("code", {}, change.path || "(state)");
  if (change.kind === "added") {
    return h("li", { class: "added" }, path, " added: ", value("span", change.after));
  }
  if (change.kind === "removed") {
    return h("li", { class: "removed" }, path, " removed (was ", value("span", change.before), ")");
  }
  return h(
    "li",
    { class: "changed" },
    path,
    ": ",
    value("del", change.before),
    " → ",
    value("ins", change.after),
  );
}

/** The nearest earlier turn whose state is known, and its number. */
function previousState(turns: ConversationData["turns"], index: number) {
  for (let i = index - 1; i >= 0; i--) {
    const state = turns[i]!.state;
    if (state) return { state, number: i + 1 };
  }
  return undefined;
}

/** The state a turn left, its highlights first, and what changed since the turn before. */
export function statePanel(conversation: ConversationData, index: number): HTMLElement {
  const state = conversation.turns[index]!.state;
  const panel = h("section", { class: "state", "aria-label": `State after turn ${index + 1}` });
  if (!state) {
    panel.append(h("p", { class: "tool" }, "The state this turn left was not recorded."));
    return panel;
  }
  const previous = previousState(conversation.turns, index);
  const changes = diffState(previous?.state ?? {}, state);
  panel.append(
    h("h3", {}, `State after turn ${index + 1}`),
    h(
      "dl",
      { class: "highlights" },
      ...highlights(state, conversation.checkpoints).flatMap(([name, value]) => [
        h("dt", {}, name),
        h("dd", {}, value),
      ]),
    ),
    h("h4", {}, previous ? `Changes since turn ${previous.number}` : "Changes since the start"),
    changes.length > 0
      ? h("ul", { class: "changes" }, ...changes.map(changeItem))
      : h("p", { class: "tool" }, "Nothing changed."),
    h(
      "details",
      { class: "values" },
      h("summary", {}, "All values"),
      h(
        "dl",
        {},
        ...Object.entries(state).flatMap(([key, value]) => [
          h("dt", {}, key),
          h("dd", {}, h("pre", {}, JSON.stringify(value, null, 2) ?? "undefined")),
        ]),
      ),
    ),
  );
  return panel;
}
