import { test, expect } from './fixtures';
import { deliver, newCallId, toolCall, turn } from './events';

test('a failing tool call raises a toast and an issue; acknowledging it updates the count live', async ({ page, request }) => {
  const id = newCallId('alert');
  const unique = `card declined ${newCallId('x').replace(/[0-9-]/g, '')}`;
  await deliver(request, turn(id, 'agent', 'Let me charge your card.', 1));
  await page.goto('/');
  await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
  const bell = page.getByTestId('alert-link');
  await expect(bell).toHaveAttribute('data-alerts-link', 'live');
  const count = page.getByTestId('open-alerts');
  const before = Number(await count.textContent());

  await deliver(request, toolCall(id, 5, 'chargeCard', { error: unique }));
  const toast = page.getByTestId('alert-toast').filter({ hasText: unique });
  await expect(toast).toContainText(`Tool chargeCard failed: ${unique}`);
  await expect(toast).toContainText(`call ${id}`);
  await expect(toast.getByRole('link')).toHaveAttribute('href', new RegExp(`/calls/${id}\\?at=\\d+#e\\d+$`));
  await expect(count).toHaveText(String(before + 1));

  // The inbox, in a second tab: the issue is there, its calls one click away.
  const inbox = await page.context().newPage();
  await inbox.goto('/alerts?state=open');
  const issue = inbox.locator('li.issue', { hasText: unique });
  await expect(issue).toHaveAttribute('data-state', 'open');
  await expect(issue.getByTestId('issue-calls')).toHaveText('1 call');
  await issue.getByTestId('issue-calls').click();
  const alert = inbox.locator('li.alert', { hasText: unique });
  await expect(alert.locator('a.call-id')).toHaveAttribute('href', new RegExp(`/calls/${id}\\?at=\\d+#e\\d+$`));
  await inbox.goto('/alerts?state=open');
  await inbox.locator('li.issue', { hasText: unique }).getByRole('button', { name: 'Acknowledge' }).click();
  await expect(inbox).toHaveURL(/\/alerts\?state=open$/);
  await expect(inbox.locator('li.issue', { hasText: unique })).toHaveCount(0);

  // The first tab's top bar followed without a reload.
  await expect(count).toHaveText(String(before));
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toast).toHaveCount(0);
});

test('no toast over the call being watched, and none for demo calls', async ({ page, request }) => {
  const id = newCallId('watched');
  await deliver(request, turn(id, 'agent', 'One moment.', 1));
  await page.goto(`/calls/${id}`);
  await expect(page.getByTestId('alert-link')).toHaveAttribute('data-alerts-link', 'live');
  const count = page.getByTestId('open-alerts');
  const before = Number(await count.textContent());
  await deliver(request, toolCall(id, 5, 'watchedTool', { error: 'watched failure' }));
  await deliver(request, toolCall(`demo_${id}`, 5, 'demoTool', { error: 'demo failure' }));
  await expect(count).toHaveText(String(before + 2));
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('alert-toast')).toHaveCount(0);
});

test('the same failure on several calls is one issue, and ticked issues are acknowledged at once', async ({ page, request }) => {
  const tag = newCallId('bulk').replace(/[0-9-]/g, '');
  for (const n of [1, 2, 3]) {
    await deliver(request, toolCall(newCallId('bulk'), n, `slots${tag}`, { error: `upstream timeout after ${8000 + n} ms` }));
  }
  await deliver(request, toolCall(newCallId('bulk'), 1, `book${tag}`, { error: 'declined' }));
  await expect(async () => {
    await page.goto('/alerts?state=open');
    await expect(page.locator('li.issue', { hasText: `slots${tag}` }).getByTestId('issue-calls')).toHaveText('3 calls', { timeout: 500 });
  }).toPass();
  const slots = page.locator('li.issue', { hasText: `slots${tag}` });
  const book = page.locator('li.issue', { hasText: `book${tag}` });
  await expect(slots.locator('svg.spark')).toHaveAttribute('aria-label', /^3 in the last 24 hours$/);
  await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
  await slots.getByRole('checkbox').check();
  // A new alert redraws the list: the tick stays.
  await deliver(request, toolCall(newCallId('bulk'), 1, `late${tag}`, { error: 'late failure' }));
  await expect(page.locator('li.issue', { hasText: `late${tag}` })).toHaveCount(1);
  await expect(slots.getByRole('checkbox')).toBeChecked();
  await book.getByRole('checkbox').check();
  await page.locator('form#bulk').getByRole('button', { name: 'Acknowledge' }).click();
  // Back to the open ones: both left them.
  await expect(page).toHaveURL(/\/alerts\?state=open$/);
  await expect(page.locator('li.issue', { hasText: `slots${tag}` })).toHaveCount(0);
  await page.goto('/alerts');
  await expect(page.locator('li.issue', { hasText: `slots${tag}` })).toHaveAttribute('data-state', 'acknowledged');
  await expect(page.locator('li.issue', { hasText: `book${tag}` })).toHaveAttribute('data-state', 'acknowledged');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the inbox and its buttons work as plain forms', async ({ page, request }) => {
    const id = newCallId('nojs-alert');
    await deliver(request, toolCall(id, 2, 'lookupOrder', { error: 'order service unavailable' }));
    // Rules run beside the writer: the alert follows the event within moments.
    await expect(async () => {
      await page.goto('/alerts');
      await expect(page.locator('li.issue', { hasText: 'order service unavailable' })).toBeVisible({ timeout: 500 });
    }).toPass();
    const row = page.locator('li.issue', { hasText: 'order service unavailable' });
    await row.getByRole('button', { name: 'Resolve' }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    await expect(page.locator('li.issue', { hasText: 'order service unavailable' })).toHaveAttribute('data-state', 'resolved');
  });
});
