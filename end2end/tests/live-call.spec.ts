import { test, expect } from './fixtures';
import { deliver, endCall, newCallId, toolCall, turn } from './events';

test('a call page shows new events live, in time order, without reloading', async ({ page, request }) => {
  const id = newCallId('live');
  await deliver(request, turn(id, 'agent', 'Hi, this is Ava. How can I help?', 1));

  await page.goto(`/calls/${id}`);
  await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
  await expect(page.locator('.status')).toHaveText(/live/i);
  // Marks this document: a reload would lose it.
  await page.evaluate(() => ((window as any).__notReloaded = true));

  const items = page.locator('.timeline > li');
  await expect(items).toHaveCount(1);

  // Delivered out of order: the 9 s turn before the 4 s one.
  await deliver(request, turn(id, 'agent', 'Let me look that up.', 9));
  await expect(items).toHaveCount(2);
  await deliver(request, turn(id, 'user', 'I need to move my appointment.', 4));
  await expect(items).toHaveCount(3);
  await deliver(request, toolCall(id, 10, 'listOpenSlots', { error: 'upstream timeout after 8000 ms' }));
  await deliver(request, endCall(id, 12, 'user'));
  await expect(items).toHaveCount(5);

  await expect(items.locator('.offset')).toHaveText(['+00:01.0', '+00:04.0', '+00:09.0', '+00:10.0', '+00:12.0']);
  await expect(items.nth(1)).toContainText('I need to move my appointment.');
  await expect(items.nth(1)).toHaveClass(/turn-user/);
  await expect(items.nth(3)).toHaveClass(/tool-error/);
  await expect(items.nth(3).locator('.error-text')).toHaveText('upstream timeout after 8000 ms');
  await expect(items.nth(4)).toContainText('Call ended by user');

  // The header followed: status and counters.
  await expect(page.locator('.call-bar .status')).toHaveText(/ended/i);
  await expect(page.locator('.call-bar [data-counter="tool errors"] .n')).toHaveText('1');
  expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
});

test('any item reveals its raw JSON and links to itself', async ({ page, request }) => {
  const id = newCallId('raw');
  const eventId = await deliver(request, turn(id, 'user', 'Show me the JSON', 2));
  await page.goto(`/calls/${id}`);
  const item = page.locator(`#e${eventId}`);
  await expect(item.locator('.offset')).toHaveAttribute('href', `#e${eventId}`);
  await item.getByText('raw JSON').click();
  await expect(item.locator('details.json pre')).toContainText('"secondsFromStart": 2');
});

test.describe('a missing call', () => {
  // The browser notes the page's own 404 status in its console.
  test.use({ consoleExpected: [/status of 404 \(Not Found\) \(\S+\/calls\/no-such-call\)/] });

  test('an unknown call gets a 404 page', async ({ page }) => {
    const response = await page.goto('/calls/no-such-call');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  });
});
