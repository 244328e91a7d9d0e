import { execFileSync } from "node:child_process";
import { expect, expectAccessible, linkToken, message, screenshot, settled, test, uniqueEmail } from "./fixtures";

// One person's way through the app, in order: each step needs the one before it.
test("register, verify, sign in, onboard, invite a member, use an API key, Arabic and dark mode", async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const owner = { name: "Olivia Owner", email: uniqueEmail("owner"), password: "correct-horse-battery" };
  const invitee = { name: "Ivan Invitee", email: uniqueEmail("invitee"), password: "another-long-secret" };
  const tenantName = `Acme ${Date.now().toString(36)}`;

  await test.step("register", async () => {
    await page.goto("/register");
    await page.getByLabel("Name").fill(owner.name);
    await page.getByLabel("E-mail").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();
    await expect(page.getByText(owner.email)).toBeVisible();
  });

  await test.step("verify the address with the link from the log", async () => {
    const token = await linkToken("verify_email", owner.email);
    await page.goto(`/verify-email?token=${encodeURIComponent(token)}`);
    await expect(page.getByRole("status").filter({ hasText: `${owner.email} is verified` })).toBeVisible();
  });

  await test.step("sign in: a user without a tenant lands on onboarding", async () => {
    await page.getByRole("link", { name: "Continue" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("E-mail").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/onboarding$/);
    await expect(page.getByRole("heading", { level: 1, name: "Create your tenant" })).toBeVisible();
  });

  await test.step("create a tenant through onboarding", async () => {
    await page.getByLabel("Tenant name").fill(tenantName);
    await expect(page.getByLabel("Slug")).toHaveValue(tenantName.toLowerCase().replace(" ", "-"));
    await page.getByRole("button", { name: "Create tenant" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("button", { name: `Current tenant: ${tenantName}. Switch tenant` })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  });

  await test.step("invite a member by e-mail", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Members" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();
    await page.getByRole("button", { name: "Invite member" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Invite a member" });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel("E-mail").fill(invitee.email);
    await dialog.getByRole("combobox", { name: "Role" }).click();
    await page.getByRole("option", { name: "Admin" }).click();
    await expect(dialog.getByRole("combobox", { name: "Role" })).toHaveText(/Admin/);
    await expectAccessible(page, "journey: invite dialog");
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(`Invitation sent to ${invitee.email}`).first()).toBeVisible();
    await page.getByRole("tab", { name: "Invitations" }).click();
    const row = page.getByRole("row").filter({ hasText: invitee.email });
    await expect(row).toContainText("Pending");
    await expect(row).toContainText("Admin");
  });

  await test.step("the invitee accepts in a fresh browser, creating their account, and lands in the tenant", async () => {
    const token = await linkToken("invitation", invitee.email);
    const context = await browser.newContext();
    const other = await context.newPage();
    try {
      await other.goto(`/accept-invitation?token=${encodeURIComponent(token)}`);
      await expect(other.getByRole("heading", { level: 1, name: "Accept the invitation" })).toBeVisible();
      await other.getByLabel("Name").fill(invitee.name);
      await other.getByLabel("Password").fill(invitee.password);
      await other.getByRole("button", { name: "Create account and join" }).click();
      await expect(other.getByRole("heading", { level: 1, name: `You joined ${tenantName}` })).toBeVisible();
      await other.getByRole("link", { name: "Sign in" }).click();
      await other.getByLabel("E-mail").fill(invitee.email);
      await other.getByLabel("Password").fill(invitee.password);
      await other.getByRole("button", { name: "Sign in" }).click();
      // Their only tenant is the current one: straight to its dashboard, no onboarding.
      await expect(other).toHaveURL(/\/$/);
      await expect(other.getByRole("button", { name: `Current tenant: ${tenantName}. Switch tenant` })).toBeVisible();
      await expect(other.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
      await settled(other);
      await screenshot(other, "journey-invitee-dashboard");
    } finally {
      await context.close();
    }
    // The owner sees them as a member with the role they were invited with.
    await page.reload();
    await page.getByRole("tab", { name: "Members" }).click();
    const member = page.getByRole("row").filter({ hasText: invitee.email });
    await expect(member).toContainText(invitee.name);
    await expect(member.getByRole("combobox", { name: `Role of ${invitee.name}` })).toHaveText(/Admin/);
    await page.getByRole("tab", { name: "Invitations" }).click();
    await expect(page.getByRole("row").filter({ hasText: invitee.email })).toContainText("Accepted");
  });

  let secret = "";
  await test.step("create an API key: the secret is shown once", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "API keys" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();
    await page.getByRole("button", { name: "Create API key" }).first().click();
    const create = page.getByRole("dialog", { name: "Create an API key" });
    await create.getByLabel("Name").fill("CI key");
    await expectAccessible(page, "journey: create API key dialog");
    await create.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByRole("dialog", { name: "Your new API key" });
    await expect(shown).toBeVisible();
    await expect(shown).toContainText("it will not be shown again");
    secret = await shown.getByLabel("Secret").inputValue();
    expect(secret).toMatch(/^ath_\S{20,}$/);
    await expectAccessible(page, "journey: API key secret dialog");
    await screenshot(page, "journey-api-key-secret");
    await shown.getByRole("button", { name: "I have stored it" }).click();
    await expect(shown).toBeHidden();
    await expect(page.getByRole("row").filter({ hasText: "CI key" })).toContainText("Active");
    // Shown once: nothing on the page holds the secret any more.
    await expect(page.locator("body")).not.toContainText(secret);
  });

  await test.step("use the key with curl", async () => {
    const output = execFileSync(
      "curl",
      ["--silent", "--show-error", "--max-time", "10", "--write-out", "\n%{http_code}", "--header", `Authorization: Bearer ${secret}`, `${baseURL}/api/me`],
      { encoding: "utf8" },
    );
    const status = output.slice(output.lastIndexOf("\n") + 1);
    const body = output.slice(0, output.lastIndexOf("\n"));
    expect(status, body).toBe("200");
    expect(body).toMatch(/"via":\s*"api_key"/);
    const me = JSON.parse(body) as { via: string; user: { email: string } };
    expect(me.via).toBe("api_key");
    expect(me.user.email).toBe(owner.email);
    // The page counts the request.
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: "CI key" }).getByRole("cell").nth(3)).toHaveText("1");
  });

  await test.step("switch to dark mode", async () => {
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
    const lightBackground = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.getByRole("button", { name: "Theme" }).click();
    await page.getByRole("menuitemradio", { name: "Dark" }).click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    const darkBackground = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(darkBackground).not.toBe(lightBackground);
    expect(luminance(darkBackground)).toBeLessThan(0.2);
    // Kept on reload.
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    await expectAccessible(page, "journey: API keys in dark mode");
    await screenshot(page, "journey-api-keys-dark");
  });

  await test.step("switch to Arabic: the page is right to left", async () => {
    await page.getByRole("button", { name: "Language: EN" }).click();
    await page.getByRole("menuitemradio", { name: "العربية" }).click();
    const html = page.locator("html");
    await expect(html).toHaveAttribute("dir", "rtl");
    await expect(html).toHaveAttribute("lang", "ar");
    await expect(page.getByRole("heading", { level: 1, name: message("ar", "apiKeys.title") })).toBeVisible();
    const nav = page.getByRole("navigation", { name: message("ar", "nav.main") });
    await expect(nav.getByRole("link", { name: message("ar", "nav.members") })).toBeVisible();
    // Mirrored: the sidebar sits on the right.
    const box = await nav.boundingBox();
    const width = page.viewportSize()?.width ?? 0;
    expect(box && box.x + box.width).toBeGreaterThan(width - 5);
    // Saved on the account: a reload keeps Arabic.
    await page.reload();
    await expect(html).toHaveAttribute("dir", "rtl");
    await expect(page.getByRole("heading", { level: 1, name: message("ar", "apiKeys.title") })).toBeVisible();
    await expectAccessible(page, "journey: API keys in Arabic, dark");
    await screenshot(page, "journey-api-keys-ar-dark");
  });
});

/** Relative luminance (0 black .. 1 white) of a CSS rgb()/rgba() colour. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? ["0", "0", "0"]).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}
