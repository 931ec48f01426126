import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";

/** The learner's side of the web app, driven the way a person does: typing and pressing Enter. */
export async function say(page: Page, text: string): Promise<void> {
  const before = await page.locator(".message.from-user").count();
  await page.locator("#message").fill(text);
  await page.locator("#message").press("Enter");
  // A turn is over once the message is answered (or has failed).
  const mine = page.locator(".message.from-user").nth(before);
  await mine.and(page.locator('[data-status="delivered"], [data-status="failed"]')).waitFor({
    timeout: 15_000,
  });
}

export const agentTexts = (page: Page) =>
  page.$$eval(".message.from-agent .body", (bodies) => bodies.map((b) => b.textContent ?? ""));

/** Seed 000's learner: agrees to briefings, answers questions, says when they are confident. */
export function learnerReply(last: string): string {
  if (/fit/i.test(last) && /\?\s*$/.test(last)) return "Yes, that sounds great!";
  if (/confident/i.test(last)) return "I feel confident about it.";
  return "I think it means breaking the idea into smaller parts and applying them step by step.";
}

export const progressValue = (page: Page) =>
  page.locator(".mission-side .progress").getAttribute("aria-valuenow");

export async function signInLocally(page: Page, origin: string, email: string, name: string) {
  await page.goto(`${origin}/`);
  await page.locator("#email").fill(email);
  await page.locator("#name").fill(name);
  await page.locator("#name").press("Enter");
  await page.waitForSelector("text=Start a new mission");
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page (through the DevTools protocol, as CSP allows no injected script). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  return page.evaluate(`axe.run().then((result) =>
    result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    })),
  )`);
}
