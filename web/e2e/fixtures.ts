import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type APIRequestContext, type Page } from "@playwright/test";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const RESULTS_DIR = join(import.meta.dirname, "..", "test-results");
export const SERVER_DIR = join(RESULTS_DIR, "server");
export const SHOTS_DIR = join(RESULTS_DIR, "screenshots");
/** One JSON line per axe-core run: every violation, whatever its impact. */
export const AXE_LOG = join(RESULTS_DIR, "axe-results.jsonl");

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

/** The UI catalogs, to check translated text without copying it into the tests. */
export function catalog(language: "en" | "es" | "ar"): Record<string, unknown> {
  return JSON.parse(readFileSync(join(import.meta.dirname, "..", "src", "locales", `${language}.json`), "utf8")) as Record<string, unknown>;
}

export function message(language: "en" | "es" | "ar", key: string): string {
  let node: unknown = catalog(language);
  for (const part of key.split(".")) node = (node as Record<string, unknown>)[part];
  if (typeof node !== "string") throw new Error(`no ${language} message ${key}`);
  return node;
}

/** An address nobody else in this run uses. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

function loggedToken(kind: string, email: string): string | null {
  const lines = readFileSync(join(SERVER_DIR, "server.log"), "utf8").split("\n");
  for (const line of lines.reverse()) {
    if (!line.startsWith("{")) continue;
    let entry: { event?: string; kind?: string; to?: string; url?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // a line still being written
    }
    if (entry.event === "mail.link" && entry.kind === kind && entry.to === email && entry.url) {
      return new URL(entry.url).searchParams.get("token");
    }
  }
  return null;
}

/**
 * The token of the newest link of `kind` (`verify_email`, `reset_password`, `invitation`) the
 * server logged for `email` (mail is not wired yet: links go to the log). Waits for the line.
 */
export async function linkToken(kind: string, email: string): Promise<string> {
  let token: string | null = null;
  await expect
    .poll(() => (token = loggedToken(kind, email)), { message: `a ${kind} link logged for ${email}`, timeout: 10_000 })
    .toBeTruthy();
  return token as unknown as string;
}

/**
 * Runs axe-core on the page as it stands, logs every violation to AXE_LOG, and fails (softly,
 * so one run reports every page) on serious or critical ones.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  // axe.run in the page itself (the app has no frames), not runPartial plus finishRun in a blank
  // page opened for each call; and only violations are read. Both save about a second a page.
  const results = await new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ["violations"] }).analyze();
  const violations = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ")),
  }));
  mkdirSync(RESULTS_DIR, { recursive: true });
  appendFileSync(AXE_LOG, JSON.stringify({ page: name, url: page.url(), violations }) + "\n");
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect.soft(blocking.map((v) => `${v.id} [${v.impact}]: ${v.help} (${v.nodes.join(", ")})`), `axe-core on ${name}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true, animations: "disabled", caret: "hide" });
}

/**
 * Waits until the page has its h1 and no data view is still loading (skeletons, aria-busy).
 * The components page shows loading states on purpose: pass `skeletons: true` there.
 */
export async function settled(page: Page, options: { skeletons?: boolean } = {}): Promise<void> {
  await expect(page.locator("h1").first()).toBeVisible();
  if (!options.skeletons) {
    await expect(page.locator(".skeleton")).toHaveCount(0);
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  }
  await page.evaluate(() => document.fonts.ready);
}

/** Signs in through the login form (in `language`); waits until the app has left the login page. */
export async function signIn(page: Page, email: string, password: string, language: "en" | "es" | "ar" = "en"): Promise<void> {
  await page.goto("/login");
  await page.getByLabel(message(language, "auth.email")).fill(email);
  await page.getByLabel(message(language, "auth.password")).fill(password);
  await page.getByRole("button", { name: message(language, "auth.login.submit") }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Registers an account through the API (no browser needed); returns its verification token. */
export async function registerByApi(request: APIRequestContext, email: string, password: string, name = "E2E user"): Promise<string> {
  const response = await request.post("/api/auth/register", { data: { email, password, name } });
  expect(response.status(), await response.text()).toBe(201);
  return linkToken("verify_email", email);
}

/** Invites `email` into the demo tenant with the demo API key; returns the invitation token. */
export async function inviteByApi(request: APIRequestContext, email: string): Promise<string> {
  const response = await request.post("/api/invitations", {
    data: { email, role: "member" },
    headers: { Authorization: `Bearer ${demo().api_key}` },
  });
  expect(response.status(), await response.text()).toBe(201);
  return linkToken("invitation", email);
}

/** Asks for a password reset link for `email`; returns its token. */
export async function resetTokenByApi(request: APIRequestContext, email: string): Promise<string> {
  const response = await request.post("/api/auth/password/forgot", { data: { email } });
  expect(response.ok(), await response.text()).toBeTruthy();
  return linkToken("reset_password", email);
}

export const test = base;
export { expect };
