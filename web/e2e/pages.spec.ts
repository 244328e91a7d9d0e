import {
  demo,
  expect,
  expectAccessible,
  inviteByApi,
  message,
  registerByApi,
  resetTokenByApi,
  screenshot,
  settled,
  signIn,
  test,
  uniqueEmail,
} from "./fixtures";

// Every page, in light, dark and Arabic: axe-core finds no serious or critical violation, and a
// screenshot of each lands in test-results/screenshots/<mode>-NN-<page>.png.

const MODES = {
  light: { theme: "light", language: "en" },
  dark: { theme: "dark", language: "en" },
  ar: { theme: "light", language: "ar" },
} as const;
type Mode = keyof typeof MODES;

// The three walks are independent (each has its own users and browser context).
test.describe.configure({ mode: "parallel" });

for (const mode of Object.keys(MODES) as Mode[]) {
  const { theme, language } = MODES[mode];
  test.describe(`every page, ${mode}`, () => {
    test.use({ colorScheme: theme });

    test(`axe-core and screenshots: ${mode}`, async ({ page, request }) => {
      test.setTimeout(240_000);
      // The device's choices, as the theme and language menus store them.
      await page.addInitScript(
        (choice) => {
          localStorage.setItem("athanor.theme", choice.theme);
          localStorage.setItem("athanor.language", choice.language);
        },
        { theme, language },
      );
      const text = (key: string) => message(language, key);

      const password = "walk-through-password";
      const verifyToken = await registerByApi(request, uniqueEmail(`walk-${mode}`), password);
      const resetToken = await resetTokenByApi(request, demo().email);
      const inviteToken = await inviteByApi(request, uniqueEmail(`walk-invitee-${mode}`));

      let n = 0;
      const visit = async (name: string, options: { skeletons?: boolean } = {}) => {
        await settled(page, options);
        await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
        await expect(page.locator("html")).toHaveAttribute("dir", language === "ar" ? "rtl" : "ltr");
        await expect(page.locator("html")).toHaveAttribute("lang", language);
        n += 1;
        await screenshot(page, `${mode}-${String(n).padStart(2, "0")}-${name}`);
        await expectAccessible(page, `${name} (${mode})`);
      };
      const go = async (path: string, name: string, heading: string, options: { skeletons?: boolean } = {}) => {
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        await visit(name, options);
      };

      // Signed out.
      await go("/login", "login", text("auth.login.title"));
      await go("/register", "register", text("auth.register.title"));
      await go("/forgot-password", "forgot-password", text("auth.forgot.title"));
      await go(`/reset-password?token=${encodeURIComponent(resetToken)}`, "reset-password", text("auth.reset.title"));
      await go(`/verify-email?token=${encodeURIComponent(verifyToken)}`, "verify-email", text("auth.verify.title"));
      await expect(page.getByRole("status").filter({ hasText: "@example.com" })).toBeVisible();
      await go(`/accept-invitation?token=${encodeURIComponent(inviteToken)}`, "accept-invitation", text("auth.invite.title"));
      await expect(page.getByRole("button", { name: text("auth.invite.createAndJoin") })).toBeVisible();

      // Signed in as the demo super admin (owner of the demo tenant).
      await signIn(page, demo().email, demo().password, language);
      await go("/", "dashboard", text("dashboard.title"));
      await go("/onboarding", "onboarding", text("onboarding.title"));
      await go("/members", "members", text("members.title"));
      await page.getByRole("tab", { name: text("members.tabInvitations") }).click();
      await expect(page.getByRole("tab", { name: text("members.tabInvitations") })).toHaveAttribute("aria-selected", "true");
      await visit("members-invitations");
      await go("/api-keys", "api-keys", text("apiKeys.title"));
      await go("/audit", "audit", text("audit.title"));
      await go("/settings", "settings", text("settings.title"));
      await page.getByRole("tab", { name: text("settings.branding") }).click();
      await expect(page.getByRole("tab", { name: text("settings.branding") })).toHaveAttribute("aria-selected", "true");
      await visit("settings-branding");
      await go("/profile", "profile", text("profile.title"));

      // The AI pages.
      const engines = (await (await page.request.get("/api/engines")).json()) as { items: Array<{ id: string; slug: string; name: string }> };
      const engine = engines.items.find((e) => e.slug === "demo-summarizer") ?? engines.items[0]!;
      await go("/engines", "engines", text("engines.title"));
      await go(`/engines/${engine.id}`, "engine", engine.name);
      await page.getByRole("tab", { name: text("engines.tabs.versions") }).click();
      await expect(page.getByRole("tab", { name: text("engines.tabs.versions") })).toHaveAttribute("aria-selected", "true");
      await visit("engine-versions");
      await page.getByRole("tab", { name: text("engines.tabs.access") }).click();
      await expect(page.getByRole("tab", { name: text("engines.tabs.access") })).toHaveAttribute("aria-selected", "true");
      await visit("engine-access");
      await go(`/playground?engine=${engine.id}`, "playground", text("playground.title"));
      await go("/executions", "executions", text("executions.title"));
      const executions = (await (await page.request.get("/api/executions?limit=1")).json()) as { items: Array<{ id: string }> };
      if (executions.items[0]) await go(`/executions/${executions.items[0].id}`, "execution", text("executions.detail.title"));
      await go("/providers", "providers", text("providers.title"));
      await go("/models", "models", text("models.title"));
      await go("/deployments", "deployments", text("deployments.title"));
      await go("/levels", "levels", text("levels.title"));
      await go("/wallet", "wallet", text("wallet.title"));
      await page.getByRole("tab", { name: text("wallet.pool") }).click();
      await expect(page.getByRole("tab", { name: text("wallet.pool") })).toHaveAttribute("aria-selected", "true");
      await visit("wallet-pool");
      // Workflows and their runs (detail pages too when a workflow exists: workflows.spec makes one).
      await go("/workflows", "workflows", text("workflows.title"));
      await go("/workflow-templates", "workflow-templates", text("templates.title"));
      await go("/workflow-runs", "workflow-runs", text("workflows.runs.title"));
      const workflows = (await (await page.request.get("/api/workflows")).json()) as { items: Array<{ id: string; name: string }> };
      if (workflows.items[0]) await go(`/workflows/${workflows.items[0].id}`, "workflow", workflows.items[0].name);
      const runs = (await (await page.request.get("/api/workflow-runs?limit=1")).json()) as { items: Array<{ id: string }> };
      if (runs.items[0]) {
        await page.goto(`/workflow-runs/${runs.items[0].id}`);
        await expect(page.locator("[data-node]").first()).toBeVisible();
        await visit("workflow-run");
      }
      // Files and exports (files.spec and exports.spec leave files and an export behind; the demo
      // tenant has a documents bucket with a handbook).
      await go("/files", "files", text("files.title"));
      const buckets = (await (await page.request.get("/api/storage/buckets")).json()) as Array<{ name: string }>;
      for (const bucket of buckets) {
        const found = (await (await page.request.get(`/api/storage/buckets/${bucket.name}/files?q=.md`)).json()) as { items: Array<{ id: string; name: string }> };
        if (found.items[0]) {
          await go(`/files/${found.items[0].id}`, "file", found.items[0].name);
          break;
        }
      }
      await go("/exports", "exports", text("exports.title"));
      await go("/exports/new", "export-new", text("exports.new.title"));
      await go("/exports/templates", "export-templates", text("exports.templates.title"));
      const exportsList = (await (await page.request.get("/api/exports?limit=1")).json()) as { items: Array<{ id: string; title: string }> };
      if (exportsList.items[0]) await go(`/exports/${exportsList.items[0].id}`, "export", exportsList.items[0].title);
      await go("/components", "components", text("gallery.title"), { skeletons: true });
      await go("/admin/tenants", "admin-tenants", text("admin.tenants.title"));
      await go("/admin/users", "admin-users", text("admin.users.title"));
      await go("/admin/workers", "admin-workers", text("workers.title"));
      await go(`/accept-invitation?token=${encodeURIComponent(inviteToken)}`, "accept-invitation-signed-in", text("auth.invite.title"));
      await expect(page.getByRole("button", { name: text("auth.invite.accept") })).toBeVisible();
    });
  });
}
