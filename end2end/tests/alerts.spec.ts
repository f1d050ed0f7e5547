import { test, expect } from './fixtures';
import { deliver, newCallId, toolCall, turn } from './events';

test('a failing tool call raises a toast and an alert; acknowledging it updates the count live', async ({ page, request }) => {
  const id = newCallId('alert');
  await deliver(request, turn(id, 'agent', 'Let me charge your card.', 1));
  await page.goto(`/calls/${id}`);
  await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
  const bell = page.getByTestId('alert-link');
  await expect(bell).toHaveAttribute('data-alerts-link', 'live');
  const count = page.getByTestId('open-alerts');
  const before = Number(await count.textContent());

  await deliver(request, toolCall(id, 5, 'chargeCard', { error: 'card declined' }));
  const toast = page.getByTestId('alert-toast').filter({ hasText: 'card declined' });
  await expect(toast).toContainText('Tool chargeCard failed: card declined');
  await expect(toast.getByRole('link')).toHaveAttribute('href', new RegExp(`/calls/${id}\\?at=\\d+#e\\d+$`));
  await expect(count).toHaveText(String(before + 1));

  // The inbox, in a second tab: the alert is there, linked to its event.
  const inbox = await page.context().newPage();
  await inbox.goto('/alerts?state=open');
  const row = inbox.locator('li.alert', { hasText: 'card declined' });
  await expect(row).toHaveAttribute('data-state', 'open');
  await expect(row.locator('a.call-id')).toHaveAttribute('href', new RegExp(`/calls/${id}\\?at=\\d+#e\\d+$`));
  await row.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(inbox).toHaveURL(/\/alerts\?state=open$/);
  await expect(inbox.locator('li.alert', { hasText: 'card declined' })).toHaveCount(0);

  // The first tab's top bar followed without a reload.
  await expect(count).toHaveText(String(before));
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toast).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the inbox and its buttons work as plain forms', async ({ page, request }) => {
    const id = newCallId('nojs-alert');
    await deliver(request, toolCall(id, 2, 'lookupOrder', { error: 'order service unavailable' }));
    // Rules run beside the writer: the alert follows the event within moments.
    await expect(async () => {
      await page.goto('/alerts');
      await expect(page.locator('li.alert', { hasText: 'order service unavailable' })).toBeVisible({ timeout: 500 });
    }).toPass();
    const row = page.locator('li.alert', { hasText: 'order service unavailable' });
    await row.getByRole('button', { name: 'Resolve' }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    await expect(page.locator('li.alert', { hasText: 'order service unavailable' })).toHaveAttribute('data-state', 'resolved');
  });
});
