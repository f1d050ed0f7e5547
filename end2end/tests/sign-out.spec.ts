import { test, expect } from './fixtures';
import { deliver, newCallId, turn } from './events';
import { signIn } from './server';

// A session of its own: signing out must not end the shared admin session.
test('signing out in another tab ends the open live stream', async ({ browser, baseURL, request }) => {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page);

  const id = newCallId('signout');
  await deliver(request, turn(id, 'user', 'Before signing out', 1));
  await page.goto(`/calls/${id}`);
  const link = page.locator('[data-link]');
  await expect(link).toHaveAttribute('data-link', 'live');
  const items = page.locator('.timeline > li');
  await deliver(request, turn(id, 'agent', 'Still signed in', 2));
  await expect(items).toHaveCount(2);

  const other = await context.newPage();
  await other.goto('/');
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(other).toHaveURL(/\/login/);

  // The server ends the stream within seconds, and the browser cannot reopen it.
  await expect(link).not.toHaveAttribute('data-link', 'live', { timeout: 8_000 });
  await deliver(request, turn(id, 'agent', 'After signing out', 3));
  await page.waitForTimeout(2_000);
  await expect(items).toHaveCount(2);
  await expect(page.getByText('After signing out')).toHaveCount(0);
  await context.close();
});
