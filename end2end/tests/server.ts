// The shared server's credentials, and helpers for tests that run a server of
// their own (first run, restarts).
import { expect, request as apiRequest, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const ADMIN = { username: 'admin', password: 'e2e-admin-password' };
export const WEBHOOK_TOKEN = 'e2e-webhook-token-0123456789';

/** Environment that gives a server the shared admin account and webhook token. */
export const CREDENTIALS_ENV = {
  CALLTRAIL_ADMIN_USER: ADMIN.username,
  CALLTRAIL_ADMIN_PASSWORD: ADMIN.password,
  CALLTRAIL_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
};

/** Starts `calltrail serve` on `port` with `env` added. */
export function startServer(port: number, db: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.env.CALLTRAIL_BIN ?? 'target/debug/calltrail', ['serve'], {
    cwd: path.join(__dirname, '..', '..'),
    env: { ...process.env, CALLTRAIL_ADDR: `127.0.0.1:${port}`, CALLTRAIL_DB: db, RUST_LOG: 'warn', ...env },
    stdio: 'ignore',
  });
}

/** Waits until the server on `base` answers its health check. */
export async function healthy(base: string): Promise<void> {
  const api = await apiRequest.newContext();
  await expect
    .poll(async () => (await api.get(`${base}/healthz`).catch(() => null))?.status(), { timeout: 20_000 })
    .toBe(200);
  await api.dispose();
}

/** Stops a server gracefully and waits for it to exit. */
export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

/** Signs in through the login form, as a person would. */
export async function signIn(page: Page, base = '', who = ADMIN): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('username')).toHaveText(who.username);
}
