import { test, expect } from './fixtures';
import { deliver, endCall, newCallId, turn } from './events';

test('a new call appears live on the calls list, then moves to past calls', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');

  const id = newCallId('list');
  await deliver(request, turn(id, 'agent', 'Hello!', 0.5));
  const liveRow = page.locator(`.live-calls tr[data-call-id="${id}"]`);
  await expect(liveRow).toBeVisible();
  await expect(liveRow.locator('.status')).toHaveText(/live/i);
  // What it is doing, ticking with the clock: who spoke, then how long it has been quiet.
  await expect(liveRow.locator('.state')).toHaveText('last: Agent');
  await expect(liveRow.locator('.state')).toHaveText(/quiet for \d+ s$/, { timeout: 10_000 });

  await deliver(request, endCall(id, 5, 'agent'));
  const pastRow = page.locator(`.past-calls tr[data-call-id="${id}"]`);
  await expect(pastRow).toBeVisible();
  await expect(pastRow.locator('.outcome')).toHaveText('ended by agent');
  await expect(liveRow).toHaveCount(0);

  await pastRow.getByRole('link', { name: id }).click();
  await expect(page).toHaveURL(new RegExp(`/calls/${id}$`));
  await expect(page.locator('.timeline > li')).toHaveCount(2);
});
