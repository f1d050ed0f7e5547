// Setting calltrail up: the test-event button posts through the real
// webhook route and the event arrives; a live call that goes quiet leaves
// the Live section as stale; the loopback URL says a cloud agent cannot reach it.
import { request as apiRequest } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, expect } from './fixtures';
import { deliver, newCallId, turn } from './events';
import { CREDENTIALS_ENV, healthy, signIn, startServer, stopServer, WEBHOOK_TOKEN } from './server';

test('"Send a test event" posts a sample through the webhook route and it arrives live', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
  const details = page.locator('summary', { hasText: 'webhook URL and token' });
  if (await details.count()) await details.click();
  await expect(page.getByTestId('local-url-warning').first()).toContainText('CALLTRAIL_PUBLIC_URL');
  const before = await page.locator('tr[data-call-id^="demo_test_"]').count();
  await page.getByRole('button', { name: 'Send a test event' }).first().click();
  await expect(page.getByText('Test event stored (HTTP 200')).toBeVisible();
  const rows = page.locator('.live-calls tr[data-call-id^="demo_test_"]');
  await expect(rows).toHaveCount(before + 1);
  await expect(rows.first().locator('.tag-demo')).toHaveText('demo');
  await page.getByRole('link', { name: 'Open the test call' }).click();
  await expect(page.locator('.timeline')).toContainText('This is a test event from calltrail');
});

test('a live call idle past the stale time leaves the Live section', async ({ browser }) => {
  test.setTimeout(60_000);
  const port = 3996;
  const base = `http://127.0.0.1:${port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calltrail-stale-'));
  // Three seconds instead of fifteen minutes.
  const server = startServer(port, path.join(dir, 'stale.db'), { ...CREDENTIALS_ENV, CALLTRAIL_STALE_MINUTES: '0.05' });
  const page = await browser.newPage({ storageState: { cookies: [], origins: [] } });
  try {
    await healthy(base);
    await signIn(page, base);
    const api = await apiRequest.newContext({ baseURL: base });
    const id = newCallId('quiet');
    await deliver(api, turn(id, 'agent', 'Hello?', 1), `/webhooks/infer?token=${WEBHOOK_TOKEN}`);
    await page.goto(`${base}/`);
    await expect(page.locator(`.live-calls tr[data-call-id="${id}"]`)).toBeVisible();
    // Nothing more arrives: within seconds it moves, and says why.
    const stale = page.locator(`.stale-calls tr[data-call-id="${id}"]`);
    await expect(stale).toBeVisible({ timeout: 15_000 });
    await expect(stale.locator('.status-stale')).toContainText('stale — no events for');
    await expect(page.locator(`.live-calls tr[data-call-id="${id}"]`)).toHaveCount(0);
    // And it can be filtered on.
    await page.getByRole('link', { name: 'Stale', exact: true }).click();
    await expect(page).toHaveURL(`${base}/?q=status%3Astale`);
    await expect(page.locator(`.results tr[data-call-id="${id}"]`)).toBeVisible();
    await expect(page.locator('.live-calls')).toHaveCount(0);
    await api.dispose();
  } finally {
    await page.close();
    await stopServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
