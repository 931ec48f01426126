import {
  contentSecurityPolicy,
  readWebAsset,
  renderWebApp,
  type WebAppSettings,
} from "../../web/app/serve.js";
import { RawBody, type Route } from "./handler.js";
import { HttpError } from "./http-error.js";

export { signInConfig } from "../../web/app/serve.js";

/**
 * `GET /` serves the learner's web app; `GET /app/{file}` its script, styles and icon. An asset
 * asked for by its current content hash (`?v=`) is cached for good, anything else revalidated.
 */
export function webAppRoutes(settings: WebAppSettings): { page: Route; asset: Route } {
  const headers = {
    "Content-Security-Policy": contentSecurityPolicy(settings),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
  };
  let page: Promise<string> | undefined;
  return {
    page: async () => {
      page ??= renderWebApp(settings);
      page.catch(() => (page = undefined));
      return { status: 200, body: new RawBody("text/html; charset=utf-8", await page), headers };
    },
    asset: async (req) => {
      const file = await readWebAsset(req.params[0] ?? "");
      if (!file) throw new HttpError(404, "Not Found");
      const immutable = req.query.get("v") === file.hash;
      return {
        status: 200,
        body: new RawBody(file.contentType, file.body),
        headers: {
          "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
          "X-Content-Type-Options": "nosniff",
        },
      };
    },
  };
}
