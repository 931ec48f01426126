import { h } from "./dom.js";

/** A labelled progress bar (0–100) whose value can be changed later with `setProgress`. */
export function progressBar(value: number, label: string): HTMLElement {
  const bar = h(
    "div",
    {
      class: "progress",
      role: "progressbar",
      "aria-label": label,
      "aria-valuemin": 0,
      "aria-valuemax": 100,
    },
    h("span", { class: "fill" }),
    h("span", { class: "value" }),
  );
  setProgress(bar, value);
  return bar;
}

export function setProgress(bar: HTMLElement, value: number): void {
  const rounded = Math.round(value);
  bar.setAttribute("aria-valuenow", String(rounded));
  bar.setAttribute("aria-valuetext", `${rounded}%`);
  (bar.querySelector(".fill") as HTMLElement).style.width = `${rounded}%`;
  (bar.querySelector(".value") as HTMLElement).textContent = `${rounded}%`;
}
