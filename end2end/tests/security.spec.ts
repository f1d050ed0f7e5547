import { request as apiRequest } from '@playwright/test';
import { test, expect } from './fixtures';
import { WEBHOOK, deliver, newCallId, toolCall, turn } from './events';

const HOSTILE = '<img src=x onerror=alert(1)>';

test('live streams and server functions answer 401 without a session', async ({ baseURL, request }) => {
  const anonymous = await apiRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const stream = await anonymous.get('/api/live/calls');
  expect(stream.status()).toBe(401);
  const fn = await anonymous.post('/api/load_calls', { form: { page: '1' } });
  expect(fn.status()).toBe(401);
  expect((await fn.json()).error).toBe('not signed in');
  await anonymous.dispose();

  // The signed-in session may.
  const signedIn = await request.post('/api/load_calls', { form: { page: '1' } });
  expect(signedIn.status()).toBe(200);
});

test('transcripts and tool arguments that look like HTML show as text and run nothing', async ({ page, request }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });

  const id = newCallId('xss');
  await deliver(request, turn(id, 'user', HOSTILE, 1));
  await page.goto(`/calls/${id}`);
  await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
  // And once more through the live stream, rendered by the browser.
  await deliver(request, toolCall(id, 2, HOSTILE, { note: HOSTILE }));
  await deliver(request, turn(id, 'agent', `<script>alert(2)</script>`, 3));

  const items = page.locator('.timeline > li');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0).locator('.text')).toHaveText(HOSTILE);
  await expect(items.nth(1).locator('.fn')).toHaveText(HOSTILE);
  await expect(items.nth(2).locator('.text')).toHaveText('<script>alert(2)</script>');
  await items.nth(1).locator('summary').first().click();
  await expect(items.nth(1)).toContainText(HOSTILE);
  expect(await page.locator('.timeline img').count()).toBe(0);
  await page.waitForTimeout(300);
  expect(dialogs).toEqual([]);
  expect(cspViolations).toEqual([]);
});

test('a link cannot write in a page notice or in the sign-in wait', async ({ page, browser }) => {
  // Notices travel as codes: text of the link's own shows nothing.
  await page.goto('/alerts/rules?error=%3Cscript%3EClick%20here%3C%2Fscript%3E');
  await expect(page.locator('h1')).toHaveText('Alert rules');
  await expect(page.getByTestId('form-error')).toHaveCount(0);
  await expect(page.locator('main')).not.toContainText('Click here');
  await page.goto('/?notice=Your%20session%20expired%2C%20sign%20in%20at%20evil.example');
  await expect(page.locator('h1')).toHaveText('Calls');
  await expect(page.getByTestId('form-notice')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText('evil.example');
  // A code calltrail wrote shows its message.
  await page.goto('/alerts/rules?notice=rule-saved');
  await expect(page.getByTestId('form-notice')).toHaveText('Saved the rule.');

  const anonymous = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const signIn = await anonymous.newPage();
  await signIn.goto('/login?error=throttled&wait=5.%20Your%20session%20expired%2C%20sign%20in%20at%20evil.example');
  await expect(signIn.getByRole('alert')).toHaveText('Too many failed attempts. Try again later.');
  await signIn.goto('/login?error=throttled&wait=30');
  await expect(signIn.getByRole('alert')).toHaveText('Too many failed attempts. Try again in 30 seconds.');
  await anonymous.close();
});

test('tool arguments nested 120 deep show folded, and the page stays live', async ({ page, request }) => {
  const id = newCallId('deep');
  const args = '{"a":'.repeat(120) + '"bottom"' + '}'.repeat(120);
  const body = `{"type":"tool-call","call_id":"${id}","timestamp":"2026-03-14T16:02:12Z","metadata":{"functionName":"deep","arguments":${args}}}`;
  const sent = await request.post(WEBHOOK, { data: body, headers: { 'content-type': 'application/json' } });
  expect(sent.status()).toBe(200);
  await page.goto(`/calls/${id}`);
  // Hydrated (the live stream is open) although the data holds the call.
  await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
  await expect(page.getByText('Open the whole stored event')).toBeVisible();
  await deliver(request, turn(id, 'user', 'Still following along', 3));
  await expect(page.locator('.item .text', { hasText: 'Still following along' })).toBeVisible();
});

test('a direction override in a turn is shown, not obeyed', async ({ page, request }) => {
  const id = newCallId('bidi');
  await deliver(request, turn(id, 'user', 'my code is \u202E1234', 2));
  await page.goto(`/calls/${id}`);
  await expect(page.locator('.item .text').first()).toHaveText('my code is ⟦U+202E⟧1234');
});
