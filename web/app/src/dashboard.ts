import { api, type EnrolledMission } from "./api.js";
import { h } from "./dom.js";
import { progressBar } from "./progress.js";
import type { AppContext, View } from "./view.js";

/** Where this browser remembers a learner's unfinished interview, per learner. */
export const interviewKey = (ctx: AppContext) => `learnforge:interview:${ctx.user?.id ?? ""}`;

function missionCard(m: EnrolledMission): HTMLElement {
  const total = m.byte_size_checkpoints.length;
  const done = m.completed_checkpoints.length;
  return h(
    "li",
    { class: `mission-card${m.completed ? " completed" : ""}` },
    h("h2", {}, m.mission_title),
    h("p", {}, m.mission_short_description),
    progressBar(m.progress, `Progress of ${m.mission_title}`),
    h("p", { class: "meta" }, m.completed ? "Completed" : `${done} of ${total} checkpoints done`),
    h(
      "a",
      { class: "button", href: `#/mission/${encodeURIComponent(m.mission_id)}` },
      m.completed ? "Review" : done > 0 ? "Continue" : "Start",
      h("span", { class: "visually-hidden" }, ` ${m.mission_title}`),
    ),
  );
}

/** The learner's missions with their progress, and the way to a new one. */
export async function dashboardView(ctx: AppContext): Promise<View> {
  const missions = await api.enrolledMissions();
  const unfinished = localStorage.getItem(interviewKey(ctx));
  const name = ctx.user?.name ?? "there";
  const element = h(
    "section",
    { class: "dashboard" },
    h("h1", {}, `Welcome, ${name}`),
    h(
      "div",
      { class: "actions" },
      h("a", { class: "button primary", href: "#/new" }, "Start a new mission"),
      unfinished &&
        h(
          "a",
          { class: "button", href: `#/interview/${encodeURIComponent(unfinished)}` },
          "Continue your interview",
        ),
    ),
    missions.length === 0
      ? h(
          "p",
          { class: "empty" },
          "You have no missions yet. Start one: Polaris asks a few questions, then builds a mission of short checkpoints with you.",
        )
      : h("ul", { class: "missions", "aria-label": "Your missions" }, ...missions.map(missionCard)),
  );
  return { title: "Your missions", element };
}
