import type { AppConfig } from "./config.js";
import type { User } from "./api.js";

/** What every page gets from the app shell. */
export interface AppContext {
  config: AppConfig;
  user: User | undefined;
  /** The header's connection line. */
  connection: HTMLElement;
  /** The polite live region for new messages and events. */
  announcer: HTMLElement;
  /** Signed in (or out): reload the profile and go to the dashboard. */
  refreshUser(): Promise<void>;
}

export interface View {
  title: string;
  element: HTMLElement;
  dispose?(): void;
}

/** Waiting for `work`, then whatever it becomes; failures get a message and a way back. */
export function errorView(message: string): View {
  const element = document.createElement("section");
  element.className = "panel";
  const heading = document.createElement("h1");
  heading.textContent = "Something went wrong";
  const text = document.createElement("p");
  text.textContent = message;
  const back = document.createElement("a");
  back.href = "#/";
  back.textContent = "Back to your missions";
  element.append(heading, text, back);
  return { title: "Something went wrong", element };
}
