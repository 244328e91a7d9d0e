import type { Page } from "@playwright/test";
import { demo, expect, expectAccessible, message, screenshot, settled, signIn, test } from "./fixtures";

// Workflows end to end, as the demo owner (a super admin): use the summarise-and-approve
// template, see validation problems grouped per node (and a refused publish), publish v1,
// start a run and watch its nodes finish live over SSE, approve the waiting approval and see
// the run succeed; then, on the workers page, drain the embedded worker and see it draining.
// Runs last (files run in name order): a drained embedded worker takes no more tasks.

const en = (key: string) => message("en", key);

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(async () => {
    window.scrollTo(0, 0);
    await document.fonts.ready;
  });
  await screenshot(page, `workflows-${name}`);
}

test("a workflow from a template, run live, approved; the embedded worker drained", async ({ page }) => {
  test.setTimeout(180_000);
  const id = Date.now().toString(36);
  const name = `Summary review ${id}`;
  const nav = page.getByRole("navigation", { name: en("nav.main") });

  await signIn(page, demo().email, demo().password);

  await test.step("use the summarise-and-approve template", async () => {
    await nav.getByRole("link", { name: en("nav.workflowTemplates") }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("templates.title") })).toBeVisible();
    const card = page.getByRole("article", { name: "Summarise, then approve" });
    await expect(card).toContainText(en("templates.categories.content"));
    await expect(card).toContainText("4 nodes");
    await settled(page);
    await expectAccessible(page, "workflows: templates");
    await shot(page, "01-templates");
    await card.getByRole("button", { name: "Use the template Summarise, then approve" }).click();
    const dialog = page.getByRole("dialog", { name: "Use Summarise, then approve" });
    await dialog.getByLabel(en("workflows.fields.name")).fill(name);
    await dialog.getByLabel(en("workflows.fields.slug")).fill(`summary-review-${id}`);
    await expectAccessible(page, "workflows: use template dialog");
    await dialog.getByRole("button", { name: en("templates.use.submit") }).click();
    await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByText(en("workflows.notPublished"))).toBeVisible();
  });

  const editor = page.getByLabel(en("workflows.editor.definition"));
  let original = "";

  await test.step("validation problems are grouped per node, and a publish with problems is refused", async () => {
    original = await editor.inputValue();
    const broken = JSON.parse(original) as { nodes: Array<{ id: string; config: Record<string, unknown> }> };
    broken.nodes[0]!.config = {};
    broken.nodes[2]!.config = { template: "{{ nodes.nowhere.output.text }}" };
    await editor.fill(JSON.stringify(broken, null, 2));
    await page.getByRole("button", { name: en("workflows.editor.validate") }).click();
    const summaryProblems = page.getByRole("region", { name: "Problems of node summary" });
    await expect(summaryProblems).toContainText("engine is required.");
    await expect(page.getByRole("region", { name: "Problems of node publish" })).toBeVisible();
    await settled(page);
    await expectAccessible(page, "workflows: validation problems");
    await shot(page, "02-validation-problems");

    // Publishing saves the draft first; the server refuses it with the problems per node.
    await page.getByRole("button", { name: "Publish v1" }).click();
    await expect(page.getByText(en("workflows.editor.refused"))).toBeVisible();
    await expect(page.getByRole("region", { name: "Problems of node summary" })).toBeVisible();
    await shot(page, "03-publish-refused");

    await editor.fill(original);
    await page.getByRole("button", { name: en("workflows.editor.validate") }).click();
    await expect(page.getByText(en("workflows.editor.valid"))).toBeVisible();
  });

  await test.step("publish version 1", async () => {
    await page.getByRole("button", { name: "Publish v1" }).click();
    await expect(page.getByText("Published: v1")).toBeVisible();
    await expect(page.getByText(en("workflows.editor.isPublished"))).toBeVisible();
    await settled(page);
    await shot(page, "04-workflow-published");
  });

  await test.step("triggers: a schedule, and a webhook whose address is shown once", async () => {
    await page.getByRole("tab", { name: en("workflows.tabs.triggers") }).click();
    await page.getByRole("button", { name: en("workflows.triggers.add") }).click();
    await expect(page.getByRole("row").filter({ hasText: "0 9 * * 1-5" })).toBeVisible();
    await page.getByRole("radio", { name: en("workflows.triggers.kinds.webhook") }).check();
    await page.getByRole("button", { name: en("workflows.triggers.add") }).click();
    const dialog = page.getByRole("dialog", { name: en("workflows.triggers.urlTitle") });
    await expect(dialog.getByTestId("webhook-url")).toContainText("/api/hooks/workflows/");
    await expectAccessible(page, "workflows: webhook address");
    await shot(page, "05-webhook-url");
    await dialog.getByRole("button", { name: en("workflows.triggers.urlDone") }).click();
    await expect(page.getByRole("cell", { name: en("workflows.triggers.secretUrl") })).toBeVisible();
    await settled(page);
    await shot(page, "06-triggers");
  });

  await test.step("start a run with inputs", async () => {
    await page.getByRole("tab", { name: en("workflows.tabs.run") }).click();
    const inputs = page.getByLabel(en("workflows.run.inputs"));
    await expect(inputs).toHaveValue(/"text": ""/);
    await inputs.fill(JSON.stringify({ text: "Athanor runs workflows on its workers. Each node is a task; an approval waits for a person." }));
    await expectAccessible(page, "workflows: start a run");
    await shot(page, "07-start-run");
    await page.getByRole("button", { name: en("workflows.run.start") }).click();
    await expect(page).toHaveURL(/\/workflow-runs\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1, name: `Run of ${name}` })).toBeVisible();
  });

  await test.step("watch the nodes finish live, then approve", async () => {
    const graph = page.getByRole("list", { name: en("workflows.runPage.graph") });
    // The page was not reloaded: these states arrive through the run's event stream.
    await expect(graph.locator('[data-node="summary"]')).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
    await expect(graph.locator('[data-node="review"]')).toHaveAttribute("data-status", "waiting", { timeout: 30_000 });
    await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "live");
    await expect(graph.locator('[data-node="publish"]')).toHaveAttribute("data-status", "not_started");
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "running");
    const approval = page.getByRole("region", { name: "Approval needed: review" });
    await expect(approval).toContainText("Publish this summary?");
    // A node's details: its output, tokens and cost.
    await page.locator('details[data-node="summary"] summary').click();
    await expect(page.getByLabel("Output of summary")).toContainText("Mock answer");
    await settled(page);
    await expectAccessible(page, "workflows: run waiting for approval");
    await shot(page, "08-run-waiting");

    await approval.getByLabel(en("workflows.approval.comment")).fill("Looks right.");
    await approval.getByRole("button", { name: en("workflows.approval.approve") }).click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
    await expect(graph.locator('[data-node="publish"]')).toHaveAttribute("data-status", "succeeded");
    await expect(graph.locator('[data-node="archive"]')).toHaveAttribute("data-status", "skipped");
    await expect(page.getByRole("region", { name: "Approval needed: review" })).toHaveCount(0);
    // A finished run is no longer watched: the live badge goes.
    await expect(page.locator("[data-live]")).toHaveCount(0);
    await page.locator('details[data-node="publish"] summary').click();
    await expect(page.getByLabel("Output of publish")).toContainText("Published: Mock answer");
    await settled(page);
    await expectAccessible(page, "workflows: run succeeded");
    await shot(page, "09-run-succeeded");
  });

  await test.step("the runs list and the workflows list", async () => {
    await nav.getByRole("link", { name: en("nav.workflowRuns") }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("workflows.runs.title") })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: name }).first();
    await expect(row).toContainText(en("workflows.runStatus.succeeded"));
    await settled(page);
    await expectAccessible(page, "workflows: runs");
    await shot(page, "10-runs");
    await nav.getByRole("link", { name: en("nav.workflows"), exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("workflows.title") })).toBeVisible();
    const workflowRow = page.getByRole("row").filter({ hasText: name });
    await expect(workflowRow).toContainText("v1");
    await expect(workflowRow.getByRole("link", { name: `1 run of ${name}` })).toBeVisible();
    await settled(page);
    await expectAccessible(page, "workflows: list");
    await shot(page, "11-workflows");
  });

  await test.step("the workers page: the embedded worker, drained", async () => {
    await nav.getByRole("link", { name: en("nav.adminWorkers") }).click();
    await expect(page.getByRole("heading", { level: 1, name: en("workers.title") })).toBeVisible();
    const row = page.getByRole("row").filter({ has: page.getByText(en("workers.embedded"), { exact: true }) }).first();
    await expect(row.locator("[data-worker-health]")).toHaveAttribute("data-worker-health", "healthy");
    await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "live");
    await expect(page.getByRole("img", { name: /Tasks processed per minute by embedded@/ })).toBeVisible();
    await settled(page);
    await expectAccessible(page, "workers");
    await shot(page, "12-workers");

    const workerName = (await row.locator("span[dir=ltr]").first().textContent()) ?? "";
    await row.getByRole("button", { name: `Drain ${workerName}` }).click();
    const dialog = page.getByRole("dialog", { name: `Drain ${workerName}?` });
    await expect(dialog).toContainText(en("workers.drain.embeddedWarning"));
    await dialog.getByRole("button", { name: en("workers.drain.confirm") }).click();
    await expect(row.locator("[data-worker-state]")).toHaveAttribute("data-worker-state", "draining");
    await expect(row).toContainText(en("workers.state.draining"));
    await expect(row.getByRole("button", { name: `Drain ${workerName}` })).toBeDisabled();
    // Still draining after the next live status event (heartbeat) replaced the row.
    await page.waitForTimeout(6_000);
    await expect(row.locator("[data-worker-state]")).toHaveAttribute("data-worker-state", "draining");
    await settled(page);
    await shot(page, "13-worker-draining");
  });
});
