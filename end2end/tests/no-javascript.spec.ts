import { test, expect } from './fixtures';
import { deliver, newCallId, toolCall, turn } from './events';

test.use({ javaScriptEnabled: false });

test('a call page is fully rendered by the server, without JavaScript', async ({ page, request }) => {
  const id = newCallId('nojs');
  await deliver(request, turn(id, 'agent', 'Rendered on the server.', 1));
  await deliver(request, toolCall(id, 2, 'findAppointment', { appointment_id: 'apt_1' }));
  await deliver(request, turn(id, 'user', 'And readable without scripts.', 3));

  const response = await page.goto(`/calls/${id}`);
  expect(response?.status()).toBe(200);
  const items = page.locator('.timeline > li');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toContainText('Rendered on the server.');
  await expect(items.nth(1).locator('.fn')).toHaveText('findAppointment');
  await expect(items.nth(2)).toContainText('And readable without scripts.');
  await expect(page.locator('.call-bar')).toContainText(id);

  // The calls list renders too, with the call in it.
  await page.goto('/');
  await expect(page.locator(`tr[data-call-id="${id}"]`)).toBeVisible();
});
