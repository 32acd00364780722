import { defineConfig } from '@playwright/test';

// The server under test: the binary built by `cargo leptos build`, started on
// a fresh embedded database in target/e2e-data (the test script empties it).
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const chromium = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: './tests',
  globalTeardown: './log-scan.ts',
  // A test waits for what a user would see; these limits only stop a hung
  // test. They are generous because the suite also runs on a busy machine,
  // where a debug build's first hydration in a new browser context is slow.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL,
    launchOptions: chromium,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true }, grepInvert: /@no-js-only/ },
    // Pages must also work as plain server-rendered HTML: specs tagged @no-js
    // run in both projects, @no-js-only in this one alone.
    { name: 'no-javascript', use: { javaScriptEnabled: false }, grep: /@no-js/ },
  ],
  webServer: {
    // Its log, as JSON lines, is checked after the suite (log-scan.ts).
    command: `mkdir -p target/e2e-data && exec ${process.env.VITALBOARD_BIN ?? 'target/debug/vitalboard'} --demo > target/e2e-data/server.log`,
    cwd: '..',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? 'sqlite://target/e2e-data/vitalboard.db',
      RUST_LOG: 'info',
      VITALBOARD_LOG_FORMAT: 'json',
    },
  },
});
