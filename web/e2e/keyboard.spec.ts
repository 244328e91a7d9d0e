import type { Locator, Page } from "@playwright/test";
import { demo, expect, test } from "./fixtures";

/** Presses Tab until `target` has the focus (at most `max` times); fails otherwise. */
async function tabTo(page: Page, target: Locator, max = 15): Promise<number> {
  for (let presses = 1; presses <= max; presses += 1) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((element) => element === document.activeElement)) return presses;
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

/** The focused element shows a visible focus indicator (outline or ring). */
async function expectVisibleFocus(target: Locator): Promise<void> {
  const indicator = await target.evaluate((element) => {
    const style = getComputedStyle(element);
    return { outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0, ring: style.boxShadow !== "none" };
  });
  expect(indicator.outline || indicator.ring, "a visible focus indicator").toBe(true);
}

test("keyboard: tab through the login form, submit with Enter, help drawer with ? and Escape", async ({ page }) => {
  const { email, password } = demo();
  await page.goto("/login");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();

  // The first stop is the skip link.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();

  const emailField = page.getByLabel("E-mail");
  await tabTo(page, emailField);
  await expectVisibleFocus(emailField);
  await page.keyboard.type(email);

  const passwordField = page.getByLabel("Password");
  // Between the two fields sits only the "Forgot your password?" link.
  expect(await tabTo(page, passwordField)).toBeLessThanOrEqual(2);
  await expectVisibleFocus(passwordField);
  await page.keyboard.type(password);

  const submit = page.getByRole("button", { name: "Sign in" });
  await page.keyboard.press("Tab");
  await expect(submit).toBeFocused();
  await expectVisibleFocus(submit);

  // Enter in the password field submits the form.
  await passwordField.focus();
  await page.keyboard.press("Enter");
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();

  // "?" opens the page's help; Escape closes it and gives the focus back.
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("?");
  const help = page.getByRole("dialog");
  await expect(help).toBeVisible();
  await expect(help.getByRole("heading", { name: /dashboard/i }).first()).toBeVisible();
  await expect(help.getByRole("link", { name: /API reference/ })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  // Typing "?" into a field does not open it.
  await page.goto("/members");
  await page.getByRole("button", { name: "Invite member" }).first().click();
  const invite = page.getByRole("dialog", { name: "Invite a member" });
  await invite.getByLabel("E-mail").press("?");
  await expect(invite.getByLabel("E-mail")).toHaveValue("?");
  await expect(page.getByRole("dialog")).toHaveCount(1);
  await page.keyboard.press("Escape");
  await expect(invite).toBeHidden();

  // The help button is reachable by keyboard too.
  const helpButton = page.getByRole("button", { name: "Help for this page" });
  await helpButton.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(helpButton).toBeFocused();
});

test("keyboard: run an engine in the playground, pick a routing strategy with the arrow keys", async ({ page }) => {
  const { email, password } = demo();
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Password").press("Enter");
  await expect(page).not.toHaveURL(/\/login/);

  const engines = (await (await page.request.get("/api/engines")).json()) as { items: Array<{ id: string; slug: string }> };
  const summarizer = engines.items.find((e) => e.slug === "demo-summarizer");
  await page.goto(`/playground?engine=${summarizer?.id ?? ""}`);
  await expect(page.getByRole("heading", { level: 1, name: "Playground" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Engine" })).toHaveText("Demo summarizer");
  const text = page.getByLabel("text", { exact: true });
  await text.focus();
  await page.keyboard.type("Keyboards are enough to run an engine.");
  // The next stops are the number of sentences, then Run.
  await tabTo(page, page.getByLabel("sentences", { exact: true }), 1);
  const run = page.getByRole("button", { name: "Run" });
  await tabTo(page, run, 1);
  await expectVisibleFocus(run);
  await page.keyboard.press("Enter");
  const output = page.getByRole("log", { name: "Output" });
  await expect(output).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await expect(output).toContainText("Mock answer to:");

  // The strategies are one radio group: arrows move the choice, nothing is saved until asked.
  await page.goto("/deployments");
  const platformDefault = page.getByRole("radio", { name: /Platform default/ });
  await expect(platformDefault).toBeChecked();
  await platformDefault.focus();
  await expectVisibleFocus(platformDefault);
  await page.keyboard.press("ArrowDown");
  const roundRobin = page.getByRole("radio", { name: /Round robin/ });
  await expect(roundRobin).toBeChecked();
  await expect(roundRobin).toBeFocused();
  await expect(page.getByRole("button", { name: "Save strategy" })).toBeEnabled();
});
