import { test, expect } from './fixtures';
import { deliver, newCallId, turn } from './events';

test('a long call shows its newest events and pages back through the rest', async ({ page, request }) => {
  const id = newCallId('long');
  for (let i = 0; i < 230; i++) {
    await deliver(request, turn(id, i % 2 ? 'agent' : 'user', `Turn ${i}`, i));
  }
  await page.goto(`/calls/${id}`);
  const items = page.locator('.timeline > li');
  await expect(items).toHaveCount(200);
  await expect(items.first().locator('.text')).toHaveText('Turn 30');
  await expect(items.last().locator('.text')).toHaveText('Turn 229');

  await page.getByRole('link', { name: 'Show earlier events' }).click();
  await expect(items).toHaveCount(30);
  await expect(items.first().locator('.text')).toHaveText('Turn 0');
  await expect(items.last().locator('.text')).toHaveText('Turn 29');
  await expect(page.getByRole('link', { name: 'Show earlier events' })).toHaveCount(0);

  // A new event belongs to the newest window, not this one.
  await deliver(request, turn(id, 'agent', 'Turn 230', 230));
  await page.getByRole('link', { name: 'Back to the newest events' }).click();
  await expect(items).toHaveCount(200);
  await expect(items.last().locator('.text')).toHaveText('Turn 230');
});
