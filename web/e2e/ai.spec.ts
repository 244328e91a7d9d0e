import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { demo, expect, expectAccessible, message, screenshot, settled, signIn, test } from "./fixtures";

// The AI pages end to end, as the demo owner: connect a provider and deploy on it, build and
// publish an engine, run it in the playground with the answer streaming in, see the tokens
// leave the wallet, top up without double-charging, and hit a level restriction in English
// and Spanish.

/** A count as the UI shows it ("99,955") as a number. */
function count(text: string | null): number {
  return Number((text ?? "").replace(/[^\d-]/g, ""));
}

/** The server's Spanish for an English message, from its catalog, with `params` filled in. */
function serverSpanish(english: string, params: Record<string, string | number>): string {
  const po = readFileSync(join(import.meta.dirname, "..", "..", "src", "athanor", "locale", "es", "LC_MESSAGES", "messages.po"), "utf8");
  const escaped = english.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`msgid "${escaped}"\\nmsgstr "([^"]+)"`).exec(po);
  if (!match?.[1]) throw new Error(`no Spanish translation of "${english}" in the server catalog`);
  return match[1].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name]));
}

async function pick(page: Page, scope: ReturnType<Page["getByRole"]>, label: string, option: string | RegExp): Promise<void> {
  await scope.getByRole("combobox", { name: label }).click();
  await page.getByRole("option", { name: option }).click();
}

async function shot(page: Page, name: string): Promise<void> {
  // From the top, so the sticky header and sidebar sit where they belong in the full-page picture.
  await page.evaluate(async () => {
    window.scrollTo(0, 0);
    await document.fonts.ready;
  });
  await screenshot(page, `ai-${name}`);
}

test("providers, deployments, an engine streamed in the playground, the wallet and a level restriction", async ({ page }) => {
  test.setTimeout(180_000);
  const id = Date.now().toString(36);
  const providerName = `Mock e2e ${id}`;
  const engineName = `Echo ${id}`;
  const en = (key: string) => message("en", key);

  await signIn(page, demo().email, demo().password);

  await test.step("add a Mock provider with slow chunks and test its connection", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: en("nav.providers") }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("providers.title") })).toBeVisible();
    await page.getByRole("button", { name: en("providers.add") }).click();
    const dialog = page.getByRole("dialog", { name: en("providers.form.addTitle") });
    // The key is a password field: never shown. (The mock needs no key and no address.)
    await expect(dialog.getByLabel(en("providers.form.apiKey"))).toHaveAttribute("type", "password");
    await pick(page, dialog, en("providers.form.kind"), en("providers.kinds.mock"));
    await expect(dialog.getByLabel(en("providers.form.apiKey"))).toBeHidden();
    await dialog.getByLabel(en("providers.form.name"), { exact: true }).fill(providerName);
    await dialog.getByLabel(en("providers.form.options")).fill('{"chunk_delay_ms": 30}');
    await expectAccessible(page, "ai: add provider dialog");
    await shot(page, "01-provider-dialog");
    await dialog.getByRole("button", { name: en("providers.form.add") }).click();
    await expect(dialog).toBeHidden();
    const row = page.getByRole("row").filter({ hasText: providerName });
    await expect(row).toContainText(en("providers.kinds.mock"));
    await row.getByRole("button", { name: `Test the connection to ${providerName}` }).click();
    await expect(page.getByRole("status").filter({ hasText: `${providerName}: connected` })).toBeVisible();
    await expect(row).toContainText(en("providers.test.ok"));
    await settled(page);
    await shot(page, "02-providers");
  });

  await test.step("deploy mock-small a second time, on the new provider", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: en("nav.deployments") }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("deployments.title") })).toBeVisible();
    await page.getByRole("button", { name: en("deployments.add") }).first().click();
    const dialog = page.getByRole("dialog", { name: en("deployments.form.addTitle") });
    await pick(page, dialog, en("deployments.form.model"), "Mock small (mock-small)");
    await pick(page, dialog, en("deployments.form.provider"), providerName);
    await dialog.getByLabel(en("deployments.form.name"), { exact: true }).fill(`mock-small on ${id}`);
    await dialog.getByLabel(en("deployments.form.weight"), { exact: true }).fill("3");
    await dialog.getByRole("button", { name: en("deployments.form.add") }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("row").filter({ hasText: `mock-small on ${id}` })).toContainText("mock-small");
    await expect(page.getByRole("heading", { level: 2, name: `mock-small on ${id}` })).toBeVisible();
    await expect(page.getByRole("radio", { name: /Least latency/ })).toBeVisible();
    await settled(page);
    await shot(page, "03-deployments");
  });

  let engineUrl = "";
  await test.step("create an engine, edit its draft, publish it, start v2 and compare", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: en("nav.engines") }).click();
    await page.getByRole("button", { name: en("engines.create.button") }).click();
    const dialog = page.getByRole("dialog", { name: en("engines.create.title") });
    await dialog.getByLabel(en("engines.fields.name"), { exact: true }).fill(engineName);
    await expect(dialog.getByLabel(en("engines.fields.slug"))).toHaveValue(`echo-${id}`);
    await dialog.getByLabel(en("engines.fields.promptTemplate")).fill("Echo: {{ text }}");
    await dialog.getByRole("button", { name: en("engines.create.submit") }).click();
    await expect(page.getByRole("heading", { level: 1, name: engineName })).toBeVisible();
    engineUrl = page.url();

    // A JSON mistake is caught before it is sent, on its field.
    const schema = page.getByLabel(en("engines.fields.inputSchema"));
    const original = await schema.inputValue();
    await schema.fill("{ not json");
    await page.getByRole("button", { name: en("engines.editor.save") }).click();
    await expect(page.getByText(en("engines.problems.invalidJson"))).toBeVisible();
    await schema.fill(original);
    await page.getByLabel(en("engines.fields.systemPrompt")).fill("You repeat what you are given.");
    await page.getByLabel(en("engines.fields.maxTokens")).fill("64");
    await page.getByRole("button", { name: en("engines.editor.save") }).click();
    await expect(page.getByText("Draft v1 saved").first()).toBeVisible();
    await page.getByRole("button", { name: "Publish v1" }).click();
    await expect(page.getByText("v1 published").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "New version from v1" })).toBeVisible();
    await settled(page);
    await shot(page, "04-engine-published");

    await page.getByRole("button", { name: "New version from v1" }).click();
    await expect(page.getByText("Draft v2 created").first()).toBeVisible();
    await page.getByLabel(en("engines.fields.promptTemplate")).fill("Echo twice: {{ text }}");
    await page.getByRole("button", { name: en("engines.editor.save") }).click();
    await expect(page.getByText("Draft v2 saved").first()).toBeVisible();

    await page.getByRole("tab", { name: en("engines.tabs.compare") }).click();
    const panel = page.getByRole("tabpanel", { name: en("engines.tabs.compare") });
    const template = panel.getByRole("region", { name: en("engines.fieldNames.prompt_template") });
    await expect(template.getByRole("listitem").filter({ hasText: /Added:\s*Echo twice: \{\{ text \}\}/ })).toBeVisible();
    await expect(template.getByRole("listitem").filter({ hasText: /Removed:\s*Echo: \{\{ text \}\}/ })).toBeVisible();
    await expectAccessible(page, "ai: engine compare");
    await shot(page, "05-engine-diff");

    await page.getByRole("tab", { name: en("engines.tabs.versions") }).click();
    await expect(page.getByRole("row").filter({ hasText: "v2" })).toContainText(en("engines.statuses.draft"));
    await expect(page.getByRole("row").filter({ hasText: "v1" })).toContainText(en("engines.statuses.published"));
  });

  let balanceAfterRun = 0;
  await test.step("run it in the playground: the answer streams in, then the tokens and the new balance", async () => {
    await page.getByRole("link", { name: en("engines.openPlayground") }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("playground.title") })).toBeVisible();
    await expect(page.getByRole("combobox", { name: en("playground.engine") })).toHaveText(engineName);
    await expect(page.getByRole("combobox", { name: en("playground.version") })).toHaveText(/v1/);
    const available = page.getByText(/tokens available/);
    await expect(available).toBeVisible();
    const before = count(await available.textContent());

    await page.getByLabel("text", { exact: true }).fill("The quick brown fox jumps over the lazy dog again and again [mock:chunk_delay=200]");
    await page.getByRole("button", { name: en("playground.run") }).click();
    const output = page.getByRole("log", { name: en("playground.output") });
    // Part of the answer is on screen while the rest is still coming.
    await expect.poll(async () => Number(await output.getAttribute("data-chunks")), { intervals: [50] }).toBeGreaterThanOrEqual(2);
    const partial = await output.evaluate((el) => ({ phase: (el as HTMLElement).dataset.phase, text: el.textContent ?? "" }));
    expect(partial.phase).toBe("streaming");
    expect(partial.text).toContain("Mock");
    await shot(page, "06-playground-streaming");

    await expect(output).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
    const text = (await output.textContent()) ?? "";
    expect(text.length).toBeGreaterThan(partial.text.length);
    expect(text).toContain("Mock answer to: Echo:");
    const charged = count(await page.locator('[data-figure="charged"]').textContent());
    balanceAfterRun = count(await page.locator('[data-figure="balance"]').textContent());
    expect(charged).toBeGreaterThan(0);
    expect(balanceAfterRun).toBe(before - charged);
    await expect(page.getByText(/tokens available/)).toHaveText(new RegExp(balanceAfterRun.toLocaleString("en-US")));
    await expectAccessible(page, "ai: playground after a run");
    await shot(page, "07-playground-done");

    await page.getByRole("link", { name: en("playground.viewExecution") }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("executions.detail.title") })).toBeVisible();
    await expect(page.getByRole("region", { name: en("executions.detail.output") })).toContainText("Mock answer to: Echo:");
    await settled(page);
    await shot(page, "08-execution");
  });

  await test.step("the wallet shows the new balance; a double-clicked top-up credits once", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: en("nav.wallet") }).click();
    const availableFigure = page.getByRole("tabpanel", { name: en("wallet.mine") }).locator('[data-figure="available"]');
    await expect(availableFigure).toHaveText(balanceAfterRun.toLocaleString("en-US"));
    await expect(page.getByRole("row").filter({ hasText: en("wallet.kinds.settle") }).first()).toBeVisible();
    await page.getByRole("button", { name: en("wallet.topUp") }).click();
    const dialog = page.getByRole("dialog", { name: en("wallet.form.topUpTitle") });
    await pick(page, dialog, en("wallet.form.target"), en("wallet.targets.me"));
    await dialog.getByLabel(en("wallet.form.amount")).fill("1,000");
    await dialog.getByLabel(en("wallet.form.memo")).fill(`e2e ${id}`);
    await dialog.getByRole("button", { name: en("wallet.topUp") }).dblclick();
    await expect(dialog).toBeHidden();
    await expect(availableFigure).toHaveText((balanceAfterRun + 1000).toLocaleString("en-US"));
    await expect(page.getByRole("row").filter({ hasText: `e2e ${id}` })).toHaveCount(1);
    await settled(page);
    await shot(page, "09-wallet");
  });

  await test.step("a level restriction stops the run, with its message in English and then Spanish", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: en("nav.levels") }).click();
    // A second plan, which Starter members may move up to.
    const pro = `Pro ${id}`;
    await page.getByRole("button", { name: en("levels.add") }).click();
    let dialog = page.getByRole("dialog", { name: en("levels.form.addTitle") });
    await dialog.getByLabel(en("levels.form.name"), { exact: true }).fill(pro);
    await dialog.getByLabel(en("levels.form.slug"), { exact: true }).fill(`pro-${id}`);
    await dialog.getByLabel(en("levels.form.price"), { exact: true }).fill("19");
    await dialog.getByLabel(en("levels.form.tokens")).fill("1,000,000");
    await dialog.getByLabel(en("levels.restrictions.executions_per_day")).fill("5000");
    await dialog.getByLabel(en("levels.restrictions.max_output_tokens")).fill("8192");
    await dialog.getByLabel(en("levels.benefits")).fill("1,000,000 tokens a month\nEvery engine, faster");
    await dialog.getByLabel(en("levels.form.position"), { exact: true }).fill("1");
    await expectAccessible(page, "ai: new level dialog");
    await dialog.getByRole("button", { name: en("levels.form.add") }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("article", { name: pro })).toContainText(/\$19\W* \/ month/);

    // Starter: a low limit on output tokens, and the way up to Pro.
    await page.getByRole("button", { name: "Edit Starter" }).click();
    dialog = page.getByRole("dialog", { name: "Edit Starter" });
    await dialog.getByLabel(en("levels.restrictions.max_output_tokens")).fill("16");
    await dialog.getByRole("checkbox", { name: pro }).check();
    await dialog.getByRole("button", { name: message("en", "common.save") }).click();
    await expect(dialog).toBeHidden();
    const starter = page.getByRole("article", { name: "Starter" });
    await expect(starter).toContainText(/Output tokens per call\s*16/);
    await expect(starter).toContainText(`Upgrades to: ${pro}`);
    await expect(page.getByRole("article", { name: pro }).getByRole("button", { name: `Upgrade to ${pro}` })).toBeVisible();
    await expect(page.getByRole("progressbar", { name: en("levels.usage.executionsToday") })).toHaveAttribute("aria-valuemax", "500");
    await settled(page);
    await shot(page, "10-levels");

    await page.goto(engineUrl.replace(/\/engines\/([^/?]+).*/, "/playground?engine=$1"));
    await page.getByLabel("text", { exact: true }).fill("Too long for this level");
    await page.getByRole("button", { name: en("playground.run") }).click();
    const english = "Your level allows at most 16 output tokens per call.";
    await expect(page.getByRole("alert").filter({ hasText: english })).toBeVisible();
    await expect(page.getByRole("alert")).toContainText("level.max_output_tokens_exceeded");
    await shot(page, "11-playground-restricted");

    await page.getByRole("button", { name: /^Language:/ }).click();
    await page.getByRole("menuitemradio", { name: "Español" }).click();
    await expect(page.getByRole("heading", { level: 1, name: message("es", "playground.title") })).toBeVisible();
    await page.getByRole("button", { name: message("es", "playground.run") }).click();
    const spanish = serverSpanish("Your level allows at most {limit} output tokens per call.", { limit: 16 });
    await expect(page.getByRole("alert").filter({ hasText: spanish })).toBeVisible();
    await expect(page.getByRole("alert")).toContainText(message("es", "playground.failed"));
    await shot(page, "12-playground-restricted-es");

    // Put things back: English, no saved language on the demo account, the level's own limit.
    await page.getByRole("button", { name: /^(Idioma|Language):/ }).click();
    await page.getByRole("menuitemradio", { name: "English" }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("playground.title") })).toBeVisible();
    const csrf = (await page.context().cookies()).find((c) => c.name === "athanor_csrf")?.value ?? "";
    const reset = await page.request.patch("/api/me", { data: { locale: null }, headers: { "X-CSRF-Token": csrf } });
    expect(reset.ok(), await reset.text()).toBeTruthy();
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: en("nav.levels") }).click();
    await page.getByRole("button", { name: "Edit Starter" }).click();
    dialog = page.getByRole("dialog", { name: "Edit Starter" });
    await dialog.getByLabel(en("levels.restrictions.max_output_tokens")).fill("2048");
    await dialog.getByRole("button", { name: message("en", "common.save") }).click();
    await expect(dialog).toBeHidden();
  });
});
