import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import { CREDENTIALS_ENV } from './tests/server';

// The server under test: CALLTRAIL_BIN (.ci/test sets it) or the debug build
// from `.ci/build`, serving the site from inside itself, on its own
// port and a fresh database for every run.
const port = process.env.CALLTRAIL_E2E_PORT ?? '3999';
const db = process.env.CALLTRAIL_E2E_DB ?? path.join(os.tmpdir(), `calltrail-e2e-${process.pid}`, 'e2e.db');

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  projects: [
    { name: 'sign-in', testMatch: /sign-in\.setup\.ts/ },
    // Signed in as the admin; tests that need another state set their own.
    { name: 'chromium', dependencies: ['sign-in'], use: { storageState: '.auth/admin.json' } },
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'off',
    launchOptions: {
      // Debian's Chromium; Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    },
  },
  webServer: {
    command: `${process.env.CALLTRAIL_BIN ?? 'target/debug/calltrail'} serve`,
    cwd: '..',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      CALLTRAIL_ADDR: `127.0.0.1:${port}`,
      CALLTRAIL_DB: db,
      RUST_LOG: 'warn',
      ...CREDENTIALS_ENV,
    },
  },
});
