import type { Page } from "@playwright/test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { demo, expect, expectAccessible, message, RESULTS_DIR, screenshot, settled, signIn, test } from "./fixtures";

// Files end to end, as the demo owner: create a bucket, upload a Markdown file with the
// keyboard and watch its progress bar, see its text preview, upload it again (a new version)
// and restore the first version; an image with its preview; a signed link opened without a
// session; delete and restore; and a file over 64 MiB sent in parts through the resumable API.

const en = (key: string) => message("en", key);
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAGAAAABACAIAAABqVuVZAAABEElEQVR42u3bMQ7CMAyFYWp1Z2PgQDDCzAGZWTkQDGzcgIERghDYz3H7e6U08qeXEBp12G0uC6pdBgFAAAEEEEAAAQQQBRBA/jV+c9HpvJ5q//vtlQQxxQACCKBp/4pF1/J4a310P6xmCvQBpXVZCtbYLU3ri2Imq6LjeIdOE+TYmDJKVk5HHCUrqiMzsro6mvuzUUwF0iwToaOQoDwg5YYlbiwSBBBAAAEEEEBvSvngJm4sEpQKpAlR6CgkKBsoOkTR97fSU0AwhUVTLKITzQKne2j/7Mflb7dyA6FepP/vTXwulnBw+HOU5nKy+totZ/M9RoONIkAAAQRQ/Rp4qZcEAQQQQAABBBBAFEAA+dcDYltJ5qMtzpcAAAAASUVORK5CYII=",
  "base64",
);

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(async () => {
    window.scrollTo(0, 0);
    await document.fonts.ready;
  });
  await screenshot(page, `files-${name}`);
}

/** Chooses files through the Upload button, pressed with the keyboard. */
async function uploadWithKeyboard(page: Page, files: Parameters<import("@playwright/test").FileChooser["setFiles"]>[0]): Promise<void> {
  const button = page.getByRole("button", { name: en("files.upload"), exact: true }).first();
  await button.focus();
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press("Enter")]);
  expect(chooser.isMultiple()).toBe(true);
  await chooser.setFiles(files);
}

test("files: a bucket, uploads with progress, previews, versions restored, links, delete and restore", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const id = Date.now().toString(36);
  const bucket = `docs-${id}`;
  const nav = page.getByRole("navigation", { name: en("nav.main") });
  const uploads = page.getByRole("region", { name: en("files.uploads.title") });
  await signIn(page, demo().email, demo().password);

  await test.step("create a bucket", async () => {
    await nav.getByRole("link", { name: en("nav.files") }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("files.title") })).toBeVisible();
    await page.getByRole("button", { name: en("files.bucket.new") }).first().click();
    const dialog = page.getByRole("dialog", { name: en("files.bucket.create.title") });
    await dialog.getByLabel(en("files.bucket.name")).fill(bucket);
    await dialog.getByLabel(en("files.bucket.quota")).fill("512");
    await expectAccessible(page, "files: new bucket");
    await dialog.getByRole("button", { name: en("files.bucket.create.submit") }).click();
    await expect(dialog).toBeHidden();
    await expect(page).toHaveURL(new RegExp(`bucket=${bucket}`));
    await expect(page.getByRole("combobox", { name: en("files.fields.bucket") })).toHaveText(bucket);
    await expect(page.getByText(en("files.empty"))).toBeVisible();
    await settled(page);
    await expectAccessible(page, "files: empty bucket");
    await shot(page, "01-empty-bucket");
  });

  await test.step("upload a Markdown file with the keyboard: a progress bar to 100 %", async () => {
    // A slow upload link, so the bar is seen moving (Chromium's network emulation).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1.5 * 1024 * 1024 });
    const padding = "Padding so the upload takes a moment.\n".repeat(60_000); // ~2.3 MB
    await uploadWithKeyboard(page, { name: "notes.md", mimeType: "text/markdown", buffer: Buffer.from(`# Notes\n\nFirst version.\n\n${padding}`) });
    const bar = uploads.getByRole("progressbar", { name: "Upload of notes.md" });
    await expect(bar).toBeVisible();
    await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 10_000 }).toBeGreaterThan(0);
    const midway = Number(await bar.getAttribute("aria-valuenow"));
    expect(midway).toBeLessThan(Number(await bar.getAttribute("aria-valuemax")));
    await shot(page, "02-uploading");
    await expect(uploads.locator('[data-upload="notes.md"]')).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await expect(bar).toHaveAttribute("aria-valuenow", await bar.getAttribute("aria-valuemax") ?? "");
    await expect(uploads).toContainText(en("files.uploads.created"));
    const row = page.locator('tr[data-file="notes.md"]');
    await expect(row).toBeVisible();
    await expect(row).toContainText("text/markdown");
  });

  await test.step("the file page: a text preview, made in the background", async () => {
    await page.locator('tr[data-file="notes.md"]').getByRole("link", { name: "notes.md" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "notes.md" })).toBeVisible();
    const preview = page.getByTestId("preview");
    await expect(preview).toHaveAttribute("data-preview", "ready", { timeout: 30_000 });
    await expect(page.getByLabel("The beginning of notes.md")).toContainText("First version.");
    await expect(page.locator("[data-version]")).toHaveCount(1);
    await settled(page);
    await expectAccessible(page, "files: file page");
    await shot(page, "03-file");
  });

  let fileId = "";
  await test.step("upload the same name again: a new version", async () => {
    fileId = page.url().split("/").pop() ?? "";
    await page.getByRole("link", { name: `Back to ${bucket}` }).click();
    await expect(page.locator('tr[data-file="notes.md"]')).toBeVisible();
    await uploadWithKeyboard(page, { name: "notes.md", mimeType: "text/markdown", buffer: Buffer.from("# Notes\n\nSecond version.\n") });
    await expect(uploads.locator("[data-upload='notes.md'][data-status='done']")).toHaveCount(2);
    await expect(uploads.locator("[data-upload='notes.md']").last()).toContainText(en("files.uploads.newVersion"));
    await expect(page.locator('tr[data-file="notes.md"]')).toContainText("2 versions");
    await settled(page);
    await expectAccessible(page, "files: listing with uploads");
    await shot(page, "04-listing");
  });

  await test.step("restore the first version", async () => {
    await page.goto(`/files/${fileId}`);
    await expect(page.getByLabel("The beginning of notes.md")).toContainText("Second version.", { timeout: 30_000 });
    await expect(page.locator('[data-version="2"]')).toHaveAttribute("data-current", "true");
    await page.getByRole("button", { name: "Restore version 1" }).click();
    const dialog = page.getByRole("dialog", { name: "Restore version 1?" });
    await dialog.getByRole("button", { name: en("files.versions.restore") }).click();
    await expect(dialog).toBeHidden();
    await expect(page.locator("[data-version]")).toHaveCount(3);
    await expect(page.locator('[data-version="3"]')).toHaveAttribute("data-current", "true");
    await expect(page.locator('[data-version="3"]')).toContainText("restored from v1");
    await expect(page.locator('[data-figure="version"]')).toHaveText("3 of 3");
    await expect(page.getByLabel("The beginning of notes.md")).toContainText("First version.", { timeout: 30_000 });
    // The content served now is the first version's; version 2 is still there.
    const current = await page.request.get(`/api/storage/files/${fileId}/content`);
    expect(await current.text()).toContain("First version.");
    const second = await page.request.get(`/api/storage/files/${fileId}/content?version=2`);
    expect(await second.text()).toBe("# Notes\n\nSecond version.\n");
    // The download button gives the file under its name.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: en("files.actions.download"), exact: true }).first().click()]);
    expect(download.suggestedFilename()).toBe("notes.md");
    await settled(page);
    await expectAccessible(page, "files: versions restored");
    await shot(page, "05-restored");
    await page.setViewportSize({ width: 390, height: 844 });
    await settled(page);
    await shot(page, "06-file-narrow");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("an image in a folder, its preview, and a signed link opened without a session", async () => {
    await page.getByRole("link", { name: `Back to ${bucket}` }).click();
    await page.getByRole("button", { name: en("files.newFolder.button") }).click();
    const dialog = page.getByRole("dialog", { name: en("files.newFolder.title") });
    await dialog.getByLabel(en("files.newFolder.name")).fill("images");
    await dialog.getByRole("button", { name: en("files.newFolder.submit") }).click();
    await expect(page.getByRole("navigation", { name: en("files.breadcrumbs") })).toContainText("images");
    await expect(page.getByText(en("files.emptyFolder"))).toBeVisible();
    await uploadWithKeyboard(page, { name: "logo.png", mimeType: "image/png", buffer: PNG });
    const row = page.locator('tr[data-file="images/logo.png"]');
    await expect(row).toBeVisible();
    await row.getByRole("link", { name: "logo.png" }).click();
    await expect(page.getByTestId("preview")).toHaveAttribute("data-preview", "ready", { timeout: 30_000 });
    const image = page.getByRole("img", { name: "Preview of logo.png" });
    await expect(image).toBeVisible();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    await page.getByRole("button", { name: en("files.actions.share") }).click();
    const share = page.getByRole("dialog", { name: "Share logo.png" });
    await share.getByRole("button", { name: en("files.share.create") }).click();
    const url = await share.getByLabel(en("files.share.link")).inputValue();
    expect(url).toContain("/api/storage/links/");
    await expectAccessible(page, "files: share dialog");
    await shot(page, "07-share");
    const stranger = await browser.newContext();
    const response = await stranger.request.get(url);
    expect(response.status()).toBe(200);
    expect(Buffer.from(await response.body()).equals(PNG)).toBe(true);
    await stranger.close();
    await page.keyboard.press("Escape");
  });

  await test.step("delete the image, find it under Deleted, restore it", async () => {
    await page.getByRole("button", { name: en("files.actions.delete") }).click();
    await page.getByRole("dialog", { name: "Delete logo.png?" }).getByRole("button", { name: en("files.delete.confirm") }).click();
    await expect(page).toHaveURL(/\/files\?/);
    await expect(page.getByText(en("files.emptyFolder"))).toBeVisible();
    await page.getByRole("tab", { name: en("files.viewDeleted") }).click();
    await page.getByRole("button", { name: "images" }).click();
    const row = page.locator('tr[data-file="images/logo.png"]');
    await expect(row).toContainText("Deleted");
    await settled(page);
    await expectAccessible(page, "files: deleted");
    await shot(page, "08-deleted");
    await row.getByRole("button", { name: "Restore logo.png" }).click();
    await expect(page.getByText(en("files.emptyDeleted"))).toBeVisible();
    await page.getByRole("tab", { name: en("files.viewFiles") }).click();
    await expect(page.getByRole("button", { name: "images" })).toBeVisible();
  });

  await test.step("drop a file on the listing: it is uploaded into the folder shown", async () => {
    await page.getByRole("button", { name: "images" }).click();
    const zone = page.locator("[data-dropzone]");
    const data = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(["dropped on the list"], "dropped.txt", { type: "text/plain" }));
      return transfer;
    });
    await zone.dispatchEvent("dragenter", { dataTransfer: data });
    await expect(page.getByText("Drop to upload into images")).toBeVisible();
    await shot(page, "09-drop");
    await zone.dispatchEvent("dragover", { dataTransfer: data });
    await zone.dispatchEvent("drop", { dataTransfer: data });
    await expect(page.locator('tr[data-file="images/dropped.txt"]')).toBeVisible();
    await expect(page.getByText("Drop to upload into images")).toBeHidden();
    await page.getByRole("navigation", { name: en("files.breadcrumbs") }).getByRole("button", { name: bucket }).click();
  });

  await test.step("search, type filter and sorting", async () => {
    await page.getByRole("searchbox", { name: `Search the names of files in ${bucket}` }).fill("logo");
    await page.getByRole("button", { name: en("common.search") }).click();
    await expect(page.locator("tr[data-file]")).toHaveCount(1);
    await expect(page.locator('tr[data-file="images/logo.png"]')).toContainText("images/");
    await page.getByRole("searchbox", { name: `Search the names of files in ${bucket}` }).fill("");
    await page.getByRole("button", { name: en("common.search") }).click();
    await page.getByRole("combobox", { name: en("files.typeFilter") }).click();
    await page.getByRole("option", { name: en("files.types.text") }).click();
    await expect(page.locator("tr[data-file]")).toHaveCount(1);
    await expect(page.locator("tr[data-folder]")).toHaveCount(0);
    await page.getByRole("combobox", { name: en("files.typeFilter") }).click();
    await page.getByRole("option", { name: en("files.types.all") }).click();
    await page.getByRole("button", { name: en("files.columns.size") }).click();
    await expect(page.getByRole("columnheader", { name: en("files.columns.size") })).toHaveAttribute("aria-sort", "descending");
    await expect(page).toHaveURL(/sort=size/);
    await page.setViewportSize({ width: 390, height: 844 });
    await settled(page);
    await shot(page, "10-listing-narrow");
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

test("files: a file over 64 MiB goes in parts, with one progress bar across them", async ({ page }) => {
  test.setTimeout(120_000);
  const bucket = `big-${Date.now().toString(36)}`;
  await signIn(page, demo().email, demo().password);
  // The bucket through the API, with the page's session (and its CSRF token).
  const csrf = (await page.context().cookies()).find((c) => c.name === "athanor_csrf")?.value ?? "";
  const response = await page.request.post("/api/storage/buckets", { data: { name: bucket }, headers: { "X-CSRF-Token": csrf } });
  expect(response.status(), await response.text()).toBe(201);

  const dir = join(RESULTS_DIR, "upload-files");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "big.bin");
  const size = 65 * 1024 * 1024 + 123;
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) data[i] = i % 251;
  writeFileSync(path, data);

  await page.goto(`/files?bucket=${bucket}`);
  await expect(page.getByText(en("files.empty"))).toBeVisible();
  await uploadWithKeyboard(page, path);
  const uploads = page.getByRole("region", { name: en("files.uploads.title") });
  const row = uploads.locator('[data-upload="big.bin"]');
  await expect(row).toContainText(en("files.uploads.inParts"));
  await expect(row).toHaveAttribute("data-status", "done", { timeout: 90_000 });
  const bar = row.getByRole("progressbar", { name: "Upload of big.bin" });
  await expect(bar).toHaveAttribute("aria-valuenow", String(size));
  await expect(page.locator('tr[data-file="big.bin"]')).toContainText("65 MB");
  await shot(page, "11-resumable-done");
  const listing = (await (await page.request.get(`/api/storage/buckets/${bucket}/files`)).json()) as { items: Array<{ id: string; size: number; sha256: string }> };
  expect(listing.items[0]?.size).toBe(size);
  const { createHash } = await import("node:crypto");
  expect(listing.items[0]?.sha256).toBe(createHash("sha256").update(data).digest("hex"));
});
