import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { bundleForBrowser } from "../bundle.js";

const APP_DIR = fileURLToPath(new URL(".", import.meta.url));

export interface WebAppSettings {
  auth: "local" | "firebase";
  /** Firebase mode: the web API key, and the Auth emulator (`host:port`) when there is one. */
  firebase?: { apiKey?: string; authEmulatorHost?: string };
}

export interface WebAsset {
  contentType: string;
  body: Buffer;
  /** Content hash: the page links `?v=<hash>`, so such a URL can be cached for good. */
  hash: string;
}

const asset = (contentType: string, body: Buffer): WebAsset => ({
  contentType,
  body,
  hash: createHash("sha256").update(body).digest("hex").slice(0, 16),
});

let script: Promise<WebAsset> | undefined;

/** zod's error messages in 40 languages (260 KB) stay out of the bundle: the page shows none. */
const withoutZodLocales: Plugin = {
  name: "without-zod-locales",
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: "zod-locales", namespace: "empty" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "empty" }, () => ({
      contents: "export {}",
      loader: "js",
    }));
  },
};

/**
 * The page's one script: `src/main.ts` with the client library and zod, bundled by esbuild in
 * memory the first time a page asks for it (about a second), then kept for the process's life.
 */
function bundle(): Promise<WebAsset> {
  script ??= bundleForBrowser({ app: `${APP_DIR}src/main.ts` }, [withoutZodLocales]).then((files) =>
    asset("text/javascript; charset=utf-8", files.get("app.js")!),
  );
  script.catch(() => (script = undefined));
  return script;
}

const files = new Map<string, WebAsset>();
const STATIC: Record<string, string> = {
  "app.css": "text/css; charset=utf-8",
  "icon.svg": "image/svg+xml",
};

function staticFile(name: string): WebAsset {
  let file = files.get(name);
  if (!file) {
    file = asset(STATIC[name]!, readFileSync(`${APP_DIR}${name}`));
    files.set(name, file);
  }
  return file;
}

/** `app.js`, `app.css` or `icon.svg`; undefined for anything else. */
export async function readWebAsset(name: string): Promise<WebAsset | undefined> {
  if (name === "app.js") return bundle();
  return Object.hasOwn(STATIC, name) ? staticFile(name) : undefined;
}

/** Firebase Auth's REST root, which the page calls to sign in: the emulator's, or Google's. */
function identityToolkit(settings: WebAppSettings): string | undefined {
  if (settings.auth !== "firebase") return undefined;
  const emulator = settings.firebase?.authEmulatorHost;
  return emulator
    ? `http://${emulator}/identitytoolkit.googleapis.com/v1`
    : "https://identitytoolkit.googleapis.com/v1";
}

/**
 * Everything the page may use comes from this server: scripts and styles only from files (no
 * inline code, no eval, no markup from strings under Trusted Types), connections only to this
 * server and, in Firebase mode, to Firebase Auth.
 */
export function contentSecurityPolicy(settings: WebAppSettings): string {
  const toolkit = identityToolkit(settings);
  const connect = ["'self'", ...(toolkit ? [new URL(toolkit).origin] : [])].join(" ");
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src ${connect}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join("; ");
}

const jsonForScript = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/** How the server signs people in, as a page that offers sign-in needs to know it. */
export interface SignInConfig {
  auth: "local" | "firebase";
  /** Firebase Auth's REST root (Identity Toolkit, or the Auth emulator) and the web API key. */
  firebase?: { identityToolkit: string; apiKey: string };
}

export function signInConfig(settings: WebAppSettings): SignInConfig {
  const toolkit = identityToolkit(settings);
  return {
    auth: settings.auth,
    ...(toolkit && {
      // The emulator takes any key; Google's Identity Toolkit needs the project's web API key.
      firebase: { identityToolkit: toolkit, apiKey: settings.firebase?.apiKey ?? "emulator" },
    }),
  };
}

/** The app's one page, linking its assets by content hash and carrying the page's settings. */
export async function renderWebApp(settings: WebAppSettings): Promise<string> {
  const config = signInConfig(settings);
  const [js, css, icon] = await Promise.all([
    bundle(),
    readWebAsset("app.css"),
    readWebAsset("icon.svg"),
  ]);
  const values: Record<string, string> = {
    script: `/app/app.js?v=${js.hash}`,
    styles: `/app/app.css?v=${css!.hash}`,
    icon: `/app/icon.svg?v=${icon!.hash}`,
    config: jsonForScript(config),
  };
  const template = readFileSync(`${APP_DIR}index.html`, "utf8");
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? "");
}
