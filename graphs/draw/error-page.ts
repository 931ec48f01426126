import { stylesTag, type PageAssets } from "./assets.js";
import { escapeHtml, fillTemplate } from "./html.js";

export interface ErrorPageOptions {
  title: string;
  message: string;
  assets: PageAssets;
  indexHref: string;
}

/** Why a graph page cannot be shown, as a page rather than JSON, since a browser asked. */
export function renderErrorPage(options: ErrorPageOptions): string {
  return fillTemplate("error.html", {
    title: escapeHtml(options.title),
    styles: stylesTag(options.assets),
    index_href: escapeHtml(options.indexHref),
    message: escapeHtml(options.message),
  });
}
