/** What the server tells the page about itself, in the page's `#app-config` block. */
export interface AppConfig {
  auth: "local" | "firebase";
  /** Firebase Auth's REST root (Identity Toolkit, or the Auth emulator) and the web API key. */
  firebase?: { identityToolkit: string; apiKey: string };
}

export function readConfig(): AppConfig {
  const block = document.getElementById("app-config");
  return JSON.parse(block?.textContent ?? "{}") as AppConfig;
}
