import { h, replaceChildren } from "../../app/src/dom.js";
import { renderMarkdown } from "../../app/src/render-markdown.js";
import type { ForkData } from "../../../graphs/draw/page-data.js";
import type { ForkResult, ForkSide, ForkTurn } from "../../../evals/fork/fork-data.js";
import { formatValue } from "./format.js";

const MODELS: [string, string][] = [
  ["scripted", "scripted (the offline tutor; it does not read prompts)"],
  ["replay", "replay (the Gemini client against the scripted Gemini)"],
  ["gemini", "gemini (the server's Gemini settings)"],
];

/** One part of a side: each entry in its own block, or a note that there are none. */
function part(items: string[], markdown: boolean): HTMLElement[] {
  if (items.length === 0) return [h("p", { class: "none" }, "none")];
  return items.map((item) =>
    markdown ? h("div", { class: "say" }, renderMarkdown(item)) : h("p", { class: "tool" }, item),
  );
}

function cell(side: ForkSide | undefined, kind: "replies" | "path" | "tools"): HTMLElement {
  if (!side) return h("td", {}, h("p", { class: "none" }, "no such turn"));
  if (kind === "path")
    return h("td", {}, h("p", { class: "tool" }, side.path.join(" → ") || "not recorded"));
  return h("td", {}, ...part(side[kind], kind === "replies"));
}

function row(label: string, differs: boolean, left: HTMLElement, right: HTMLElement) {
  return h(
    "tr",
    { class: differs ? "differs" : "same", "data-part": label },
    h(
      "th",
      { scope: "row" },
      label,
      h("span", { class: "mark" }, differs ? " ≠ differs" : " = same"),
    ),
    left,
    right,
  );
}

function stateRow(turn: ForkTurn): HTMLElement {
  const changes =
    turn.state_changes.length === 0
      ? h("p", { class: "none" }, "the same state")
      : h(
          "ul",
          { class: "changes" },
          ...turn.state_changes.map((change) =>
            h(
              "li",
              {},
              h("code", {}, change.path),
              " ",
              change.before !== undefined && h("del", {}, formatValue(change.before)),
              " → ",
              change.after !== undefined && h("ins", {}, formatValue(change.after)),
            ),
          ),
        );
  return h(
    "tr",
    { class: turn.differs.state ? "differs" : "same", "data-part": "state" },
    h(
      "th",
      { scope: "row" },
      "state",
      h("span", { class: "mark" }, turn.differs.state ? " ≠ differs" : " = same"),
    ),
    h("td", { colspan: 2 }, changes),
  );
}

/** A side's whole state, folded away: the changes above say what differs. */
function stateCell(side: ForkSide | undefined): HTMLElement {
  if (!side?.state) return h("td", {}, h("p", { class: "none" }, "no state recorded"));
  return h(
    "td",
    {},
    h(
      "details",
      {},
      h("summary", {}, "the state after the turn"),
      h("pre", {}, JSON.stringify(side.state, null, 2)),
    ),
  );
}

function turnTable(turn: ForkTurn): HTMLElement {
  const { original, fork, differs } = turn;
  return h(
    "table",
    { class: "fork-turn", "data-turn": turn.turn },
    h("caption", {}, `Turn ${turn.turn}: `, h("q", {}, turn.learner)),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("td", { class: "part" }),
        h("th", { scope: "col" }, "Original"),
        h("th", { scope: "col" }, "Fork"),
      ),
    ),
    h(
      "tbody",
      {},
      row("replies", differs.replies, cell(original, "replies"), cell(fork, "replies")),
      row("path", differs.path, cell(original, "path"), cell(fork, "path")),
      row("tools", differs.tools, cell(original, "tools"), cell(fork, "tools")),
      stateRow(turn),
      h(
        "tr",
        { class: "whole-state" },
        h("th", { scope: "row" }),
        stateCell(original),
        stateCell(fork),
      ),
    ),
  );
}

/** Offers the fork as one line of an eval suite, to save beside the others in `evals/cases/`. */
function saveCase(result: ForkResult): HTMLElement {
  const line = `${JSON.stringify(result.eval_case)}\n`;
  const href = URL.createObjectURL(new Blob([line], { type: "application/jsonl" }));
  return h(
    "p",
    { class: "save-case" },
    h(
      "a",
      { href, download: `${result.eval_case.id}.jsonl`, class: "button" },
      "Save as eval case",
    ),
    ` ${result.eval_case.id}: run it with `,
    h(
      "code",
      {},
      `npm run eval -- ${result.eval_case.id}.jsonl --model ${result.settings.model}${result.settings.prompts_changed.length ? " --prompts-dir <your prompts>" : ""}`,
    ),
  );
}

function results(result: ForkResult): HTMLElement[] {
  const differing = result.turns.filter((t) => Object.values(t.differs).some(Boolean)).length;
  const changed = result.settings.prompts_changed;
  return [
    h(
      "p",
      { class: "fork-summary", role: "status" },
      `Forked after turn ${result.at_turn} on ${result.settings.model}` +
        (result.settings.temperature === undefined
          ? ""
          : ` at temperature ${result.settings.temperature}`) +
        `, prompts changed: ${changed.length ? changed.join(", ") : "none"}. ` +
        `${differing} of ${result.turns.length} replayed turns differ.`,
    ),
    ...result.errors.map((error) => h("p", { class: "error" }, `The fork's turn failed: ${error}`)),
    saveCase(result),
    ...result.turns.map(turnTable),
  ];
}

/**
 * The fork panel: what to change (model, temperature, a prompt's text, or a prompts folder on the
 * server), then both continuations side by side, what differs marked.
 */
export function forkPanel(fork: ForkData, turn: number, turns: number): HTMLElement {
  const files = Object.keys(fork.prompts);
  const model = h(
    "select",
    { name: "model" },
    ...MODELS.map(([value, label]) => h("option", { value }, label)),
  );
  const temperature = h("input", {
    name: "temperature",
    type: "number",
    min: 0,
    max: 2,
    step: 0.1,
    placeholder: "default",
  });
  const file = h("select", { name: "prompt" }, ...files.map((f) => h("option", { value: f }, f)));
  const text = h("textarea", { name: "prompt_text", rows: 12, spellcheck: "false" });
  const folder = h("input", {
    name: "prompts_dir",
    type: "text",
    placeholder: "the prompts the server runs with",
  });
  const edits = new Map<string, string>();
  let shown = files[0] ?? "";
  text.value = fork.prompts[shown] ?? "";
  file.addEventListener("change", () => {
    edits.set(shown, text.value);
    shown = file.value;
    text.value = edits.get(shown) ?? fork.prompts[shown] ?? "";
  });
  const output = h("div", { class: "fork-results", "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, `Replay turns ${turn + 1}–${turns}`);
  const form = h(
    "form",
    { class: "fork-form" },
    h("label", {}, "Model ", model),
    h("label", {}, "Temperature ", temperature),
    fork.promptsFolder && h("label", {}, "Prompts folder on the server ", folder),
    h("label", {}, "Edit a prompt ", file),
    text,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    edits.set(shown, text.value);
    const prompts = Object.fromEntries([...edits].filter(([f, t]) => t !== fork.prompts[f]));
    const body = {
      thread: fork.thread,
      turn,
      model: model.value,
      ...(temperature.value !== "" && { temperature: Number(temperature.value) }),
      ...(folder.value.trim() && { prompts_dir: folder.value.trim() }),
      ...(Object.keys(prompts).length > 0 && { prompts }),
    };
    submit.disabled = true;
    replaceChildren(output, h("p", { class: "fork-summary", role: "status" }, "Replaying…"));
    void run(body)
      .then((result) => replaceChildren(output, ...results(result)))
      .catch((error: Error) => replaceChildren(output, h("p", { class: "error" }, error.message)))
      .finally(() => (submit.disabled = false));
  });
  return h(
    "section",
    { class: "fork", id: "fork", "aria-label": "Fork" },
    h("h2", {}, `Fork after turn ${turn}`),
    h(
      "p",
      {},
      `${turn === 1 ? "Turn 1 is" : `Turns 1–${turn} are`} copied into a scratch thread, and the learner's later messages are replayed there. The learner's own conversation is not touched.`,
    ),
    form,
    output,
  );
}

async function run(body: Record<string, unknown>): Promise<ForkResult> {
  const res = await fetch("/graphs/fork", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as ForkResult | { detail?: string };
  if (!res.ok)
    throw new Error(("detail" in json && json.detail) || `The fork failed (${res.status})`);
  return json as ForkResult;
}
