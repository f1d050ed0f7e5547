import { test, expect } from './fixtures';
import { deliver, endCall, newCallId, turn } from './events';

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

test('a link to an old event of a long call opens the window that holds it', async ({ page, request }) => {
  const id = newCallId('long-link');
  const ids: number[] = [];
  for (let i = 0; i < 230; i++) {
    ids.push(await deliver(request, turn(id, i % 2 ? 'agent' : 'user', `Turn ${i}`, i)));
  }
  // As an alert or a search hit links it: Turn 5 is not in the newest 200.
  await page.goto(`/calls/${id}?at=${ids[5]}#e${ids[5]}`);
  const items = page.locator('.timeline > li');
  await expect(items.first().locator('.text')).toHaveText('Turn 0');
  await expect(items.last().locator('.text')).toHaveText('Turn 15');
  await expect(page.locator(`#e${ids[5]}`)).toBeInViewport();
  await page.getByRole('link', { name: 'Back to the newest events' }).click();
  await expect(items).toHaveCount(200);
  await expect(items.last().locator('.text')).toHaveText('Turn 229');
});

test('a long finished call opens at its start, for reading from the beginning', async ({ page, request }) => {
  const id = newCallId('long-done');
  for (let i = 0; i < 210; i++) {
    await deliver(request, turn(id, i % 2 ? 'agent' : 'user', `Turn ${i}`, i));
  }
  await deliver(request, endCall(id, 211, 'user'));
  await page.goto(`/calls/${id}`);
  const items = page.locator('.timeline > li');
  await expect(items).toHaveCount(200);
  await expect(items.first().locator('.text')).toHaveText('Turn 0');
  await page.getByRole('link', { name: 'Back to the newest events' }).click();
  await expect(page).toHaveURL(new RegExp(`/calls/${id}\\?from=newest$`));
  await expect(items.last()).toContainText('Call ended by user');
});
