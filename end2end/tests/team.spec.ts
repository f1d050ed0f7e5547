import { test, expect } from './fixtures';
import { deliver, newCallId, turn } from './events';

const PASSWORD = 'a viewer password';

// The admin (this test's own page) invites a viewer, who joins through the
// link in a browser of their own, reads calls, finds no automation forms and
// is refused when posting one anyway; disabled, their open live page stops.
test('an invited viewer reads calls, changes nothing, and is stopped when disabled', async ({
  page,
  browser,
  baseURL,
  request,
}) => {
  const id = newCallId('team');
  await deliver(request, turn(id, 'user', 'A call the viewer may read', 1));

  await page.goto('/settings/users');
  await page.getByRole('combobox').first().selectOption('viewer');
  await page.getByRole('button', { name: 'Make an invitation link' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Made the link');
  const link = await page.getByTestId('new-link').inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);

  const name = `vera-${Date.now()}`;
  const viewer = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const theirs = await viewer.newPage();
  await theirs.goto(new URL(link).pathname);
  await expect(theirs.getByRole('heading', { name: 'Join calltrail as viewer' })).toBeVisible();
  await theirs.getByLabel('Your name').fill(name);
  await theirs.getByLabel('Password (8 characters or more)').fill(PASSWORD);
  await theirs.getByLabel('Password again').fill(PASSWORD);
  await theirs.getByRole('button', { name: 'Create my account' }).click();
  await expect(theirs.getByTestId('username')).toHaveText(name);
  await expect(theirs.getByText(id)).toBeVisible();

  // No forms to change automations, and a post made anyway is refused.
  await theirs.goto('/automations');
  await expect(theirs.getByRole('heading', { name: 'Forwarding' })).toBeVisible();
  await expect(theirs.getByText('Add a destination')).toHaveCount(0);
  await expect(theirs.locator('form[method="post"][action^="/automations"]')).toHaveCount(0);
  const refused = await viewer.request.post('/automations/channels', {
    form: { name: 'sneaky', kind: 'slack', url: 'https://hooks.slack.com/services/x' },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(403);

  // Their call page follows the call live…
  await theirs.goto(`/calls/${id}`);
  const state = theirs.locator('[data-link]');
  await expect(state).toHaveAttribute('data-link', 'live');
  const items = theirs.locator('.timeline > li');
  await deliver(request, turn(id, 'agent', 'Still allowed to read this', 2));
  await expect(items).toHaveCount(2);

  // …until the admin disables the account: within 2 s it gets nothing more.
  await page.goto('/settings/users');
  await page.getByRole('button', { name: `Disable ${name}` }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Disabled the account');
  await expect(page.locator(`tr[data-user="${name}"] [data-testid="standing"]`)).toHaveText('disabled');
  await theirs.waitForTimeout(2_000);
  await deliver(request, turn(id, 'agent', 'Not for a disabled account', 3));
  await theirs.waitForTimeout(2_000);
  await expect(theirs.getByText('Not for a disabled account')).toHaveCount(0);
  await expect(items).toHaveCount(2);
  await expect(state).not.toHaveAttribute('data-link', 'live');
  await viewer.close();
});
