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
