import { AllyClient } from "../../../client/index.js";
import { agentName, RECONNECT } from "./agents.js";
import { api } from "./api.js";
import { chatView } from "./chat.js";
import { h, replaceChildren } from "./dom.js";
import { progressBar, setProgress } from "./progress.js";
import { watchConnection } from "./status.js";
import type { AppContext, View } from "./view.js";

const HANDOVER: Record<string, string> = {
  mission_sensei: "mission_sensei has joined",
  mission_ally: "Lumina is back",
};

/** The Ally chat beside the mission's progress and checkpoints, and the completion screen. */
export async function missionView(ctx: AppContext, missionId: string): Promise<View> {
  const [mission, enrolled] = await Promise.all([api.mission(missionId), api.enrolledMissions()]);
  const enrollment = enrolled.find((e) => e.mission_id === missionId);
  const checkpoints = mission.byte_size_checkpoints;
  let completed = enrollment?.completed_checkpoints ?? [];

  const client = new AllyClient({ missionId, stream: true, reconnect: RECONNECT });
  const bar = progressBar(enrollment?.progress ?? 0, "Mission progress");
  const summary = h("p", { class: "meta" });
  const list = h("ol", { class: "checkpoints", "aria-label": "Checkpoints" });
  const renderCheckpoints = () => {
    const current = checkpoints.find((c) => !completed.includes(c));
    summary.textContent = `${completed.length} of ${checkpoints.length} checkpoints done`;
    replaceChildren(
      list,
      ...checkpoints.map((c) => {
        const state = completed.includes(c) ? "done" : c === current ? "current" : "upcoming";
        return h(
          "li",
          { class: state, "aria-current": state === "current" ? "step" : undefined },
          h("span", { class: "mark", "aria-hidden": "true" }, state === "done" ? "✓" : ""),
          c,
          state === "done" && h("span", { class: "visually-hidden" }, " (done)"),
        );
      }),
    );
  };
  renderCheckpoints();

  const chat = chatView(
    client,
    {
      speaker: (agent) => agentName(agent, "Lumina"),
      typingName: () => agentName(client.agent, "Lumina"),
      placeholder: "Reply to your tutor…",
    },
    ctx.announcer,
  );
  const aside = h(
    "aside",
    { class: "mission-side", "aria-label": "Progress" },
    h("h2", {}, "Your progress"),
    bar,
    summary,
    list,
  );
  const element = h(
    "section",
    { class: "conversation mission" },
    h("h1", {}, mission.title),
    h("div", { class: "mission-layout" }, aside, chat.element),
  );

  const complete = (message: string) => {
    chat.finish();
    completed = [...checkpoints];
    setProgress(bar, 100);
    renderCheckpoints();
    if (element.querySelector(".complete")) return;
    const heading = h("h2", { tabindex: -1 }, "Mission complete!");
    element.insertBefore(
      h(
        "section",
        { class: "complete", "aria-label": "Mission complete" },
        heading,
        h("p", {}, message),
        h("p", {}, `You finished all ${checkpoints.length} checkpoints of ${mission.title}.`),
        h("a", { class: "button primary", href: "#/" }, "Back to your missions"),
      ),
      element.children[1] ?? null,
    );
    heading.focus();
  };

  const offs = [
    client.on("agent_handover", (frame) =>
      chat.note(HANDOVER[frame.agent] ?? `${frame.agent} has joined`),
    ),
    client.on("checkpoint_update", (frame) => {
      const done = frame.completed_checkpoints.filter((c) => !completed.includes(c));
      completed = frame.completed_checkpoints;
      setProgress(bar, frame.progress);
      renderCheckpoints();
      chat.announce(
        `Checkpoint complete: ${done.join(", ")}. Progress ${Math.round(frame.progress)}%.`,
      );
    }),
    client.on("session_closed", (frame) => complete(frame.message)),
    watchConnection(ctx.connection, client),
  ];
  client.connect().catch(() => {});
  return {
    title: mission.title,
    element,
    dispose() {
      for (const off of offs) off();
      chat.dispose();
      client.close();
    },
  };
}
