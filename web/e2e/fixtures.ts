import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const SERVER_DIR = join(import.meta.dirname, "..", "test-results", "server");
export const SHOTS_DIR = join(import.meta.dirname, "..", "test-results", "screenshots");

export interface Demo {
  url: string;
  email: string;
  password: string;
  tenant_id: string;
  api_key: string;
}

export function demo(): Demo {
  return JSON.parse(readFileSync(join(SERVER_DIR, "demo.json"), "utf8")) as Demo;
}

/** The token of the newest link of `kind` the server logged (mail is not wired yet). */
export function linkToken(kind: string, email: string): string {
  const lines = readFileSync(join(SERVER_DIR, "server.log"), "utf8").split("\n");
  for (const line of lines.reverse()) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as { event?: string; kind?: string; to?: string; url?: string };
    if (entry.event === "mail.link" && entry.kind === kind && entry.to === email && entry.url) {
      return new URL(entry.url).searchParams.get("token") ?? "";
    }
  }
  throw new Error(`no ${kind} link logged for ${email}`);
}

/** Fails on any serious or critical axe-core violation of the page as it stands. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    blocking.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
  ).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole("button", { name: /sign in|log in/i }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export const test = base;
export { expect };
