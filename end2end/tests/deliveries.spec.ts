import { test, expect } from './fixtures';
import { WEBHOOK } from './events';

test('a rejected delivery shows on /deliveries with its reason and body', async ({ page, request }) => {
  const marker = `broken-${Date.now()}`;
  const response = await request.post(WEBHOOK, {
    headers: { 'content-type': 'application/json' },
    // a Buffer is sent as it is (a string would be JSON-encoded)
    data: Buffer.from(`{"call_id": "${marker}", oops`),
  });
  expect(response.status()).toBe(400);
  expect((await response.json()).error).toBe('invalid JSON');

  await page.goto('/deliveries');
  const row = page.locator('.delivery').filter({ hasText: marker }).first();
  await expect(row).toHaveAttribute('data-outcome', 'rejected');
  await expect(row.locator('.http-status')).toHaveText('400');
  await expect(row.locator('.error-text')).toContainText('invalid JSON');
  await expect(row.locator('details.json pre')).toBeVisible();
  await expect(row.locator('details.json pre')).toContainText(`"call_id": "${marker}", oops`);
});

test('a rejected delivery is found by filtering the delivery log', async ({ page, request }) => {
  const marker = `needle-${Date.now()}`;
  expect((await request.post(WEBHOOK, { headers: { 'content-type': 'application/json' }, data: Buffer.from(`{"call_id": "${marker}", nope`) })).status()).toBe(400);
  await page.goto('/deliveries');
  await page.getByLabel('Outcome').selectOption('rejected');
  await page.getByLabel('Body contains').fill(marker);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(new RegExp(`outcome=rejected.*text=${marker}`));
  const rows = page.locator('.delivery');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(marker);
  await expect(rows.first()).toHaveAttribute('data-outcome', 'rejected');
  // Accepted events say what they were in a line.
  expect((await request.post(WEBHOOK, { data: { type: 'end-call', call_id: `${marker}-ok`, metadata: { ended_by: 'user' } } })).status()).toBe(200);
  await page.goto('/deliveries?outcome=accepted');
  await expect(page.locator('.delivery .delivery-event').first()).toBeVisible();
});

test('the delivery log takes new deliveries live, within its filters', async ({ page, request }) => {
  const marker = `live-${Date.now()}`;
  // A filter nothing matches yet: the log says so, and fills as matches come.
  await page.goto(`/deliveries?text=${marker}`);
  await expect(page.getByText('No delivery matches these filters.')).toBeVisible();
  await expect(page.locator('.live-log [data-link]')).toHaveAttribute('data-link', 'live');
  expect((await request.post(WEBHOOK, { headers: { 'content-type': 'application/json' }, data: Buffer.from(`{"call_id": "${marker}", nope`) })).status()).toBe(400);
  const first = page.locator('.delivery').first();
  await expect(first).toContainText(marker);
  await expect(first).toHaveAttribute('data-outcome', 'rejected');
  await expect(page.getByText('No delivery matches these filters.')).toHaveCount(0);

  // Rejected only: an accepted delivery with the marker stays out.
  await page.goto(`/deliveries?outcome=rejected&text=${marker}`);
  await expect(page.locator('.live-log [data-link]')).toHaveAttribute('data-link', 'live');
  expect((await request.post(WEBHOOK, { data: { type: 'end-call', call_id: `${marker}-ok`, metadata: { ended_by: 'user' } } })).status()).toBe(200);
  expect((await request.post(WEBHOOK, { headers: { 'content-type': 'application/json' }, data: Buffer.from(`{"call_id": "${marker}-2", nope`) })).status()).toBe(400);
  await expect(page.locator('.delivery').first()).toContainText(`${marker}-2`);
  await expect(page.locator('.delivery')).toHaveCount(2);
});
