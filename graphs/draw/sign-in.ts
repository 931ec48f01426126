import { scriptTags, type PageAssets } from "./assets.js";
import { escapeHtml, fillTemplate, jsonForScript } from "./html.js";

/** How the server signs people in, as the sign-in form on the graph pages needs to know it. */
export interface SignInSettings {
  auth: "local" | "firebase";
  /** Firebase Auth's REST root (Identity Toolkit, or the Auth emulator) and the web API key. */
  firebase?: { identityToolkit: string; apiKey: string };
}

const INTRO = {
  local:
    "Sign in with the email your conversations were held under to see them here. This server runs with local sign-in, so any email works.",
  firebase:
    "Sign in with your LearnForge email and password to see your conversations. No account yet? Create one in the app first.",
};

/** The sign-in form, with its script. */
export async function signInHtml(settings: SignInSettings, assets: PageAssets): Promise<string> {
  const firebase = settings.auth === "firebase";
  const section = fillTemplate("sign-in.html", {
    intro: escapeHtml(INTRO[settings.auth]),
    password: firebase
      ? '<label>Password <input type="password" name="password" required autocomplete="current-password" /></label>'
      : "",
    config: jsonForScript(settings),
  });
  return `${section}\n    ${await scriptTags(assets, "sign-in.js")}`;
}
