import type { Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { demo, expect, expectAccessible, message, screenshot, settled, signIn, test } from "./fixtures";

// Exports end to end, as the demo owner: a Markdown file uploaded to a bucket of its own is
// exported from the file browser's "Export…" action to EPUB with a title; the export page
// follows it live to the end, shows its first pages, and the download is the EPUB (its
// name and size checked, and its bytes a real EPUB). Then the history and the templates:
// a built-in template duplicated into the tenant's own.

const en = (key: string) => message("en", key);

const MARKDOWN = `# Field notes

A short guide, exported from the file browser.

## Getting started

Upload a Markdown file, then choose **Export…** from its menu.

## Formats

- PDF for print
- EPUB for readers
- Word to edit further

# Second chapter

| Format | Use |
| --- | --- |
| PDF | print |
| EPUB | readers |
`;

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(async () => {
    window.scrollTo(0, 0);
    await document.fonts.ready;
  });
  await screenshot(page, `exports-${name}`);
}

async function csrf(page: Page): Promise<string> {
  return (await page.context().cookies()).find((c) => c.name === "athanor_csrf")?.value ?? "";
}

test("exports: a Markdown file to EPUB from the file browser, followed live, previewed and downloaded", async ({ page }) => {
  test.setTimeout(120_000);
  const id = Date.now().toString(36);
  const bucket = `books-${id}`;
  const title = `Field guide ${id}`;
  await signIn(page, demo().email, demo().password);
  const headers = { "X-CSRF-Token": await csrf(page) };
  expect((await page.request.post("/api/storage/buckets", { data: { name: bucket }, headers })).status()).toBe(201);
  const put = await page.request.put(`/api/storage/buckets/${bucket}/files?path=guides/field-notes.md`, { data: Buffer.from(MARKDOWN), headers: { ...headers, "Content-Type": "text/markdown" } });
  expect(put.status(), await put.text()).toBe(201);

  await test.step("Export… from the file's menu opens a new export with the file chosen", async () => {
    await page.goto(`/files?bucket=${bucket}&folder=guides/`);
    const row = page.locator('tr[data-file="guides/field-notes.md"]');
    await row.getByRole("button", { name: "Actions for field-notes.md" }).click();
    await page.getByRole("menuitem", { name: en("files.actions.export") }).click();
    await expect(page).toHaveURL(/\/exports\/new\?file=/);
    await expect(page.getByRole("heading", { level: 1, name: en("exports.new.title") })).toBeVisible();
    await expect(page.getByTestId("export-file")).toContainText("field-notes.md");
    await expect(page.getByRole("radio", { name: new RegExp(en("exports.new.sources.file")) })).toBeChecked();
  });

  await test.step("choose EPUB and a title, start", async () => {
    await page.getByRole("combobox", { name: en("exports.new.format") }).click();
    await page.getByRole("option", { name: en("exports.formats.epub") }).click();
    await expect(page.getByRole("combobox", { name: en("exports.new.format") })).toHaveText(en("exports.formats.epub"));
    await expect(page.getByText(en("exports.formatHints.epub"))).toBeVisible();
    await page.getByLabel(en("exports.new.titleField")).fill(title);
    await settled(page);
    await expectAccessible(page, "exports: new export");
    await shot(page, "01-new");
    await page.getByRole("button", { name: en("exports.new.submit") }).click();
    await expect(page).toHaveURL(/\/exports\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  });

  let size = 0;
  await test.step("the export page follows it live to the end, with its first pages", async () => {
    const progress = page.getByRole("progressbar", { name: `Progress of ${title}` });
    await expect(progress).toBeVisible();
    // The page is not reloaded: the status arrives through the export's event stream.
    await expect(page.getByTestId("export-status")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
    await expect(progress).toHaveAttribute("aria-valuenow", "1");
    await expect(progress).toHaveAttribute("aria-valuetext", `100%: ${en("exports.stages.done")}`);
    await expect(page.locator("[data-live]")).toHaveCount(0);
    const first = page.getByRole("img", { name: `Page 1 of ${title}` });
    await expect(first).toBeVisible();
    await expect.poll(() => first.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    const job = (await (await page.request.get(page.url().replace("/exports/", "/api/exports/"))).json()) as { size: number; format: string; file_id: string };
    expect(job.format).toBe("epub");
    size = job.size;
    expect(size).toBeGreaterThan(1000);
    await settled(page);
    await expectAccessible(page, "exports: export done");
    await shot(page, "02-done");
  });

  await test.step("download it: an EPUB named after the title, of the size recorded", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: en("exports.actions.download"), exact: true }).click()]);
    expect(download.suggestedFilename()).toBe(`${title}.epub`);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(size);
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
    expect(bytes.subarray(30, 38).toString()).toBe("mimetype");
    expect(bytes.subarray(38, 58).toString()).toBe("application/epub+zip");
  });

  await test.step("the history lists it, ready, with its format and size", async () => {
    await page.getByRole("navigation", { name: en("nav.main") }).getByRole("link", { name: en("nav.exports") }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("exports.title") })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: title });
    await expect(row).toContainText(en("exports.status.succeeded"));
    await expect(row).toContainText(en("exports.formats.epub"));
    await expect(row.getByRole("link", { name: `Download ${title}` })).toBeVisible();
    await settled(page);
    await expectAccessible(page, "exports: history");
    await shot(page, "03-history");
    await page.setViewportSize({ width: 390, height: 844 });
    await settled(page);
    await shot(page, "04-history-narrow");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("templates: duplicate a built-in one into the tenant's own", async () => {
    await page.getByRole("link", { name: en("exports.templates.manage") }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("exports.templates.title") })).toBeVisible();
    const templates = (await (await page.request.get("/api/exports/templates")).json()) as Array<{ name: string; builtin: boolean }>;
    const builtin = templates.find((tpl) => tpl.builtin)!;
    await settled(page);
    await expectAccessible(page, "exports: templates");
    await shot(page, "05-templates");
    await page.getByRole("button", { name: `Duplicate ${builtin.name}` }).click();
    const dialog = page.getByRole("dialog", { name: en("exports.templates.createTitle") });
    await dialog.getByLabel(en("exports.templates.name"), { exact: true }).fill(`Board report ${id}`);
    await expect(dialog.getByLabel(en("exports.templates.slug"))).toHaveValue(`board-report-${id}`);
    await dialog.getByLabel(en("exports.layout.fontSize")).fill("30");
    await dialog.getByRole("button", { name: en("exports.templates.create") }).click();
    await expect(dialog.getByText(en("exports.layout.errors.range"))).toBeVisible();
    await dialog.getByLabel(en("exports.layout.fontSize")).fill("12");
    await dialog.getByLabel(en("exports.layout.footerText")).fill("{title}");
    await expectAccessible(page, "exports: template dialog");
    await shot(page, "06-template-dialog");
    await dialog.getByRole("button", { name: en("exports.templates.create") }).click();
    await expect(dialog).toBeHidden();
    const card = page.getByRole("article", { name: `Board report ${id}` });
    await expect(card).toContainText(en("exports.templates.custom"));
    await expect(card).toContainText("12 pt");
  });
});

test("exports: a failed export shows its problem, and Retry runs it again", async ({ page }) => {
  test.setTimeout(60_000);
  const id = Date.now().toString(36);
  const bucket = `pics-${id}`;
  await signIn(page, demo().email, demo().password);
  const headers = { "X-CSRF-Token": await csrf(page) };
  expect((await page.request.post("/api/storage/buckets", { data: { name: bucket }, headers })).status()).toBe(201);
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
  const put = await page.request.put(`/api/storage/buckets/${bucket}/files?path=dot.png`, { data: png, headers: { ...headers, "Content-Type": "image/png" } });
  const file = (await put.json()) as { id: string };
  // An image is no document: the export is accepted, then fails when the worker reads it.
  const created = await page.request.post("/api/exports", { data: { source: { kind: "file", file_id: file.id }, format: "pdf", title: `Not a document ${id}` }, headers });
  expect(created.status(), await created.text()).toBe(202);
  const job = (await created.json()) as { id: string };

  await page.goto(`/exports/${job.id}`);
  await expect(page.getByTestId("export-status")).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  const alert = page.getByRole("alert").filter({ hasText: en("exports.detail.failed") });
  await expect(alert).toContainText("export.source_unsupported");
  await settled(page);
  await expectAccessible(page, "exports: failed");
  await shot(page, "07-failed");

  await page.getByRole("button", { name: en("exports.actions.retry") }).click();
  await expect(page.getByText(`The export of Not a document ${id} is queued again`).first()).toBeVisible();
  await expect(page.getByTestId("export-status")).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  await expect(page.getByRole("definition").filter({ hasText: /^2$/ })).toBeVisible();

  await page.goto("/exports?status=failed");
  const row = page.getByRole("row").filter({ hasText: `Not a document ${id}` });
  await expect(row).toContainText(en("exports.status.failed"));
  await expect(row.getByRole("button", { name: `Retry the export of Not a document ${id}` })).toBeVisible();
});
