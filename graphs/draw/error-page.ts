import { stylesTag, type PageAssets } from "./assets.js";
import { escapeHtml, fillTemplate } from "./html.js";
import { signInHtml, type SignInSettings } from "./sign-in.js";

export interface ErrorPageOptions {
  title: string;
  message: string;
  assets: PageAssets;
  indexHref: string;
  /** Offer to sign in, for a page that needs a signed-in viewer. */
  signIn?: SignInSettings;
}

/** Why a graph page cannot be shown, as a page rather than JSON, since a browser asked. */
export async function renderErrorPage(options: ErrorPageOptions): Promise<string> {
  return fillTemplate("error.html", {
    title: escapeHtml(options.title),
    styles: await stylesTag(options.assets),
    index_href: escapeHtml(options.indexHref),
    message: escapeHtml(options.message),
    sign_in: options.signIn ? await signInHtml(options.signIn, options.assets) : "",
  });
}
