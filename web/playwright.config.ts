import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";

/** A port nothing listens on now, so a server already running here does not get in the way. */
function freePort(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim());
}

// Chosen once by the runner; the workers inherit it through the environment.
const port = Number(process.env.E2E_PORT || freePort());
process.env.E2E_PORT = String(port);

// Debian's Chromium; no browser is downloaded. The flags keep it off the network.
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results/artifacts",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  // One browser at a time keeps the run steady on two cores (about two minutes in all);
  // E2E_WORKERS=2 runs the three page walks side by side.
  workers: Number(process.env.E2E_WORKERS || 1),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: chromiumArgs,
    },
    viewport: { width: 1280, height: 800 },
    locale: "en-US",
    timezoneId: "UTC",
    trace: "retain-on-failure",
  },
  webServer: {
    command: "bash e2e/serve.sh",
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: { E2E_PORT: String(port) },
  },
});
