import { api, ApiError } from "./api.js";
import { readConfig } from "./config.js";
import { dashboardView } from "./dashboard.js";
import { h, replaceChildren } from "./dom.js";
import { interviewView } from "./interview.js";
import { missionView } from "./mission.js";
import { signInView } from "./sign-in.js";
import { errorView, type AppContext, type View } from "./view.js";

/** `#/`, `#/sign-in`, `#/new`, `#/interview/{session_id}`, `#/mission/{mission_id}`. */
function route(): string[] {
  return location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
}

export async function startApp(): Promise<void> {
  const main = document.getElementById("main") as HTMLElement;
  const account = document.getElementById("account") as HTMLElement;
  const ctx: AppContext = {
    config: readConfig(),
    user: undefined,
    connection: document.getElementById("connection") as HTMLElement,
    announcer: document.getElementById("announcer") as HTMLElement,
    refreshUser: async () => {
      await loadUser();
      if (location.hash === "#/" || location.hash === "") void show();
      else location.hash = "#/";
    },
  };
  let current: View | undefined;
  let showing = 0;

  async function loadUser() {
    try {
      ctx.user = await api.profile();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err;
      ctx.user = undefined;
    }
    renderAccount();
  }

  function renderAccount() {
    if (!ctx.user) {
      replaceChildren(account);
      return;
    }
    replaceChildren(
      account,
      h("span", { class: "who" }, ctx.user.name ?? ctx.user.email ?? "Signed in"),
      h(
        "button",
        {
          type: "button",
          class: "link-button",
          onclick: async () => {
            await api.logout().catch(() => {});
            ctx.user = undefined;
            renderAccount();
            location.hash = "#/sign-in";
          },
        },
        "Sign out",
      ),
    );
  }

  async function viewFor(path: string[]): Promise<View> {
    if (!ctx.user) return signInView(ctx);
    const [page, id] = path;
    if (page === "new") {
      const { session_id } = await api.newInterview();
      history.replaceState(null, "", `#/interview/${encodeURIComponent(session_id)}`);
      return interviewView(ctx, session_id);
    }
    if (page === "interview" && id) return interviewView(ctx, id);
    if (page === "mission" && id) return missionView(ctx, id);
    return dashboardView(ctx);
  }

  async function show() {
    const ticket = ++showing;
    current?.dispose?.();
    current = undefined;
    main.setAttribute("aria-busy", "true");
    let view: View;
    try {
      view = await viewFor(route());
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        ctx.user = undefined;
        renderAccount();
        view = signInView(ctx);
      } else view = errorView((err as Error).message);
    }
    if (ticket !== showing) {
      view.dispose?.();
      return;
    }
    current = view;
    document.title = `${view.title} · LearnForge`;
    replaceChildren(main, view.element);
    main.removeAttribute("aria-busy");
    // Move focus to the new page's heading, so keyboard and screen-reader users start there.
    const heading = main.querySelector("h1");
    heading?.setAttribute("tabindex", "-1");
    if (document.activeElement === document.body || !main.contains(document.activeElement)) {
      const field = view.element.querySelector<HTMLElement>("textarea, input");
      if (field) field.focus();
      else heading?.focus();
    }
  }

  window.addEventListener("hashchange", () => void show());
  try {
    await loadUser();
  } catch (err) {
    replaceChildren(main, errorView((err as Error).message).element);
    return;
  }
  await show();
}
