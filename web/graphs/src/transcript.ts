import { h, replaceChildren } from "../../app/src/dom.js";
import { renderMarkdown } from "../../app/src/render-markdown.js";
import type {
  ConversationData,
  StepData,
  TurnData,
  Utterance,
} from "../../../graphs/draw/page-data.js";
import { formatTime } from "./format.js";
import { statePanel } from "./state-view.js";

/** Turns per page: a long conversation only ever puts this many in the page at once. */
export const PAGE_SIZE = 25;

function utterance(said: Utterance): HTMLElement {
  if (said.kind === "say") return h("div", { class: "say" }, renderMarkdown(said.text));
  if (said.kind === "tool_call")
    return h("p", { class: "tool" }, `calls ${said.name}(${said.args})`);
  return h("p", { class: "tool" }, `→ ${said.text}`);
}

function step(data: StepData): HTMLElement[] {
  const items: HTMLElement[] = [];
  if (data.handover) {
    items.push(
      h("li", { class: "handover-note" }, `handover: ${data.handover.from} → ${data.handover.to}`),
    );
  }
  items.push(
    h(
      "li",
      { class: "step" },
      h("span", { class: "node" }, data.agent ? `${data.node} · ${data.agent}` : data.node),
      ...data.said.map(utterance),
    ),
  );
  return items;
}

function turnHead(turn: TurnData, index: number): HTMLElement {
  return h(
    "div",
    { class: "turn-head" },
    h("span", {}, `Turn ${index + 1}`),
    turn.at && h("time", { datetime: turn.at, title: turn.at }, formatTime(turn.at)),
  );
}

export interface TranscriptOptions {
  /** Told of the turn selected, or of none. */
  onSelect(index: number | undefined): void;
  /** Where the conversation can be forked: asked to fork it after a turn. */
  onFork?(index: number): void;
}

/**
 * The conversation beside the drawing, a page of turns at a time. Selecting a turn (click, Enter
 * or Space; the arrow keys move to the next one) opens the state it left and shows its path.
 */
export function transcript(
  section: HTMLElement,
  conversation: ConversationData,
  options: TranscriptOptions,
) {
  const { turns } = conversation;
  const pages = Math.max(1, Math.ceil(turns.length / PAGE_SIZE));
  let page = 0;
  let selected: number | undefined;

  const list = h("ol", { class: "turns" });
  const position = h("span", { class: "position", "aria-live": "polite" });
  const earlier = h("button", { type: "button", onclick: () => show(page - 1) }, "‹ Earlier");
  const later = h("button", { type: "button", onclick: () => show(page + 1) }, "Later ›");
  const goTo = h("input", {
    type: "number",
    min: 1,
    max: Math.max(1, turns.length),
    "aria-label": "Go to turn",
    placeholder: "turn",
  });
  const pager = h(
    "form",
    { class: "pager" },
    earlier,
    position,
    later,
    h("label", {}, "Go to ", goTo),
  );
  pager.addEventListener("submit", (event) => {
    event.preventDefault();
    const index = Number(goTo.value) - 1;
    if (Number.isInteger(index) && index >= 0 && index < turns.length) select(index, true);
  });

  function turnItem(index: number): HTMLElement {
    const turn = turns[index]!;
    const open = index === selected;
    const item = h(
      "li",
      {
        class: open ? "turn focus" : "turn",
        id: `turn-${index + 1}`,
        "data-turn": index,
        tabindex: 0,
        "aria-expanded": String(open),
      },
      turnHead(turn, index),
      options.onFork &&
        index < turns.length - 1 &&
        h(
          "button",
          {
            type: "button",
            class: "fork-button",
            title: `Copy turns 1–${index + 1} to a scratch thread and replay the rest`,
            onclick: (event: Event) => {
              event.stopPropagation();
              options.onFork!(index);
            },
          },
          "Fork after this turn",
        ),
      h("p", { class: "learner" }, turn.learner),
      turn.steps.length > 0 && h("ol", { class: "steps" }, ...turn.steps.flatMap(step)),
      turn.steps.length === 0 &&
        h("p", { class: "tool" }, "The path of this turn was not recorded."),
      ...turn.unattributed.map(utterance),
      open && statePanel(conversation, index),
    );
    item.addEventListener("click", (event) => {
      // Selecting text or opening the state's details is not a click on the turn.
      if ((event.target as Element).closest("details, .state, button")) return;
      if (window.getSelection()?.toString()) return;
      select(open ? undefined : index);
    });
    item.addEventListener("keydown", (event) => {
      if (event.target !== item) return;
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(open ? undefined : index);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = index + (event.key === "ArrowDown" ? 1 : -1);
        if (next >= 0 && next < turns.length) select(next, true);
      } else if (event.key === "Escape") {
        select(undefined);
      }
    });
    return item;
  }

  function render(): void {
    const first = page * PAGE_SIZE;
    const last = Math.min(turns.length, first + PAGE_SIZE);
    position.textContent =
      turns.length === 0 ? "No turns" : `Turns ${first + 1}–${last} of ${turns.length}`;
    earlier.disabled = page === 0;
    later.disabled = page >= pages - 1;
    const items = [];
    for (let index = first; index < last; index++) items.push(turnItem(index));
    replaceChildren(list, ...items);
  }

  function show(target: number): void {
    page = Math.min(Math.max(target, 0), pages - 1);
    render();
  }

  /** Selects a turn (opening its page), or none; `focus` moves the keyboard to it. */
  function select(index: number | undefined, focus = false): void {
    selected = index;
    if (index !== undefined) page = Math.floor(index / PAGE_SIZE);
    render();
    history.replaceState(
      null,
      "",
      index === undefined ? location.pathname + location.search : `#turn-${index + 1}`,
    );
    options.onSelect(index);
    if (index === undefined) return;
    const item = document.getElementById(`turn-${index + 1}`);
    if (focus) item?.focus();
    item?.scrollIntoView({ block: "nearest" });
  }

  const body =
    turns.length > 0 ? [pager, list] : [h("p", {}, "This conversation has no turns yet.")];
  replaceChildren(section, h("h2", {}, "Transcript"), ...body);
  render();
  return { select };
}
