import { request as apiRequest } from '@playwright/test';
import { test, expect } from './fixtures';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newCallId } from './events';
import { healthy, startServer, stopServer } from './server';

// A server of its own, started with no account and no configured token: what a
// new user gets on first start.
const port = 3997;
const base = `http://127.0.0.1:${port}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calltrail-first-run-'));
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'server', 'app', 'platforms', 'infer', 'fixtures', 'conversation-update.json'), 'utf8'),
);

test('first run: create the admin, connect an agent, rotate, sign out, refuse a wrong password', async ({ browser }) => {
  const server = startServer(port, path.join(dir, 'first-run.db'));
  const page = await browser.newPage({ storageState: { cookies: [], origins: [] } });
  const api = await apiRequest.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    await healthy(base);

    // Any page sends a new user to the one-time setup.
    await page.goto(`${base}/deliveries`);
    await expect(page).toHaveURL(`${base}/setup`);
    await page.getByLabel('Username').fill('founder');
    await page.locator('input[name=password]').fill('a-strong-passphrase');
    await page.locator('input[name=confirm]').fill('a-strong-passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(`${base}/`);
    await expect(page.getByTestId('username')).toHaveText('founder');
    await expect(page.getByRole('heading', { name: 'No calls yet' })).toBeVisible();

    // The panel's URL, pasted into an agent, lets its events in — live.
    const urlBox = page.getByLabel('Webhook URL', { exact: true });
    const url = await urlBox.inputValue();
    expect(url).toMatch(new RegExp(`^${base}/webhooks/infer\\?token=[A-Za-z0-9_-]{43}$`));
    await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
    const id = newCallId('connect');
    const accepted = await api.post(url, { data: { ...fixture, call_id: id } });
    expect(accepted.status()).toBe(200);
    await expect(page.locator(`tr[data-call-id="${id}"]`)).toBeVisible();
    const refused = await api.post(`${base}/webhooks/infer`, { data: { ...fixture, call_id: 'no-token' } });
    expect(refused.status()).toBe(401);

    // Rotating replaces the token at once: the old URL stops working.
    await page.locator('summary', { hasText: 'webhook URL and token' }).click();
    await page.getByText('Rotate the token…').click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await expect(page.getByText('New token in place')).toBeVisible();
    const rotated = await urlBox.first().inputValue();
    expect(rotated).not.toBe(url);
    expect((await api.post(url, { data: { ...fixture, call_id: id } })).status()).toBe(401);
    expect((await api.post(rotated, { data: { ...fixture, call_id: `${id}-2` } })).status()).toBe(200);
    // Vapi's and Retell's URLs carry the new token too.
    const token = new URL(rotated).searchParams.get('token');
    await expect(page.getByLabel('Vapi webhook URL')).toHaveValue(`${base}/webhooks/vapi?token=${token}`);
    await expect(page.getByLabel('Retell webhook URL')).toHaveValue(`${base}/webhooks/retell?token=${token}`);

    // Setup is closed now.
    await page.goto(`${base}/setup`);
    await expect(page).toHaveURL(`${base}/`);

    // Signing out ends the session; the dashboard sends you to sign in.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(`${base}/login?signed_out=1`);
    await page.goto(`${base}/`);
    await expect(page).toHaveURL(/\/login\?next=/);

    // A wrong password is refused, with a message.
    await page.getByLabel('Username').fill('founder');
    await page.getByLabel('Password').fill('not-the-passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/error=invalid/);
    await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
    expect(await page.getByTestId('username').count()).toBe(0);

    // The right one lands where the person was going.
    await page.getByLabel('Username').fill('founder');
    await page.getByLabel('Password').fill('a-strong-passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${base}/`);
    await expect(page.getByTestId('username')).toHaveText('founder');
  } finally {
    await api.dispose();
    await page.close();
    await stopServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
