import { CommanderClient, type Mission } from "../../../client/index.js";
import { agentName, RECONNECT } from "./agents.js";
import { chatView } from "./chat.js";
import { interviewKey } from "./dashboard.js";
import { h } from "./dom.js";
import { watchConnection } from "./status.js";
import type { AppContext, View } from "./view.js";

function missionCardView(mission: Mission): HTMLElement {
  const heading = h("h2", { tabindex: -1 }, mission.title);
  const card = h(
    "article",
    { class: "mission-created", "aria-labelledby": "created-title" },
    h("p", { class: "eyebrow" }, "Mission created"),
    heading,
    h("p", {}, mission.short_description),
    h("p", { class: "meta" }, `Level: ${mission.level}`),
    h("h3", {}, `${mission.byte_size_checkpoints.length} checkpoints`),
    h("ol", { class: "checkpoints" }, ...mission.byte_size_checkpoints.map((c) => h("li", {}, c))),
    h(
      "a",
      { class: "button primary", href: `#/mission/${encodeURIComponent(mission.id)}` },
      "Start mission",
    ),
  );
  heading.id = "created-title";
  return card;
}

/** The Commander interview; the mission card replaces the composer once the mission exists. */
export function interviewView(ctx: AppContext, sessionId: string): View {
  const client = new CommanderClient({
    sessionId,
    events: "all",
    stream: true,
    reconnect: RECONNECT,
  });
  let curating = false;
  const chat = chatView(
    client,
    {
      speaker: (agent) => agentName(agent, "Polaris"),
      typingName: () => (curating ? "Polaris (creating your mission)" : "Polaris"),
      placeholder: "Tell Polaris what you would like to learn…",
    },
    ctx.announcer,
  );
  const intro = h(
    "p",
    { class: "intro" },
    "Polaris asks a few questions about what you want to learn, your level and your goal, then creates a mission of short checkpoints for you.",
  );
  const element = h(
    "section",
    { class: "conversation" },
    h("h1", {}, "Plan a new mission"),
    intro,
    chat.element,
  );
  localStorage.setItem(interviewKey(ctx), sessionId);

  const offs = [
    client.on("agent_handover", (frame) => {
      curating = frame.agent === "mission_curator";
      if (curating) chat.note("Polaris is creating your mission…");
    }),
    client.on("mission_created", (frame) => {
      localStorage.removeItem(interviewKey(ctx));
      chat.finish();
      const card = missionCardView(frame.mission);
      element.append(card);
      chat.announce(`Mission created: ${frame.mission.title}`);
      card.querySelector("h2")?.focus();
    }),
    watchConnection(ctx.connection, client),
  ];
  client.connect().catch(() => {});
  return {
    title: "Plan a new mission",
    element,
    dispose() {
      for (const off of offs) off();
      chat.dispose();
      client.close();
    },
  };
}
