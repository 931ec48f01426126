import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

export const ARTIFACTS = join(process.cwd(), "test-artifacts");

/** The system Chromium, found the way a shell finds it. */
export function chromiumPath(): string {
  return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
}

export interface Browser {
  context: BrowserContext;
  /** Every URL any page asked for, in order. */
  requests: string[];
  /** A page, and the console errors and uncaught errors it has had (CSP violations among them). */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, recording every request and every page error. */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "learnforge-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  const requests: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    requests,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      return { page, errors };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
