import { api } from "./api.js";
import { h } from "./dom.js";
import { firebaseSignIn } from "./firebase-auth.js";
import type { AppContext, View } from "./view.js";

/** Local mode: any email signs in. Firebase mode: email and password through Firebase Auth. */
export function signInView(ctx: AppContext): View {
  const firebase = ctx.config.auth === "firebase" ? ctx.config.firebase : undefined;
  const problem = h("p", { class: "problem", role: "alert" });
  const email = h("input", {
    id: "email",
    name: "email",
    type: "email",
    required: true,
    autocomplete: "email",
  });
  const name = h("input", { id: "name", name: "name", autocomplete: "name" });
  const password = h("input", {
    id: "password",
    name: "password",
    type: "password",
    required: true,
    minlength: 6,
    autocomplete: "current-password",
  });
  const busy = (form: HTMLFormElement, on: boolean) => {
    for (const button of form.querySelectorAll("button")) button.disabled = on;
  };

  async function signIn(form: HTMLFormElement, mode: "signIn" | "signUp") {
    problem.textContent = "";
    busy(form, true);
    try {
      if (firebase) {
        const idToken = await firebaseSignIn(
          firebase,
          mode,
          email.value,
          password.value,
          name.value || undefined,
        );
        await api.createSession(idToken);
      } else {
        await api.devLogin(email.value, name.value);
      }
      await ctx.refreshUser();
    } catch (err) {
      problem.textContent = (err as Error).message;
      busy(form, false);
    }
  }

  const form = h(
    "form",
    { class: "sign-in", novalidate: false },
    h("label", { for: "email" }, "Email"),
    email,
    h(
      "label",
      { for: "name" },
      firebase ? "Your name (for a new account)" : "Your name (optional)",
    ),
    name,
    firebase && h("label", { for: "password" }, "Password"),
    firebase && password,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Sign in"),
      firebase && h("button", { type: "submit", name: "mode", value: "signUp" }, "Create account"),
    ),
    problem,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    void signIn(form, submitter?.value === "signUp" ? "signUp" : "signIn");
  });

  const element = h(
    "section",
    { class: "panel narrow" },
    h("h1", {}, "Sign in to LearnForge"),
    h(
      "p",
      {},
      firebase
        ? "Sign in with your email and password, or create an account."
        : "This server runs with local sign-in: any email works, and the same email always gets the same learner.",
    ),
    form,
  );
  return { title: "Sign in", element };
}
