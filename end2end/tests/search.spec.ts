// Finding calls: a query typed in the bar lives in the URL, shows the right
// calls with the hit marked, opens a call at the hit, survives Back, and
// works the same without JavaScript.
import { test, expect } from './fixtures';
import { deliver, deliverFixtureCall, newCallId, turn } from './events';

test('a query finds the calls, marks the hit, and opens the call at it', async ({ page, request }) => {
  const word = `zebra${Date.now().toString(36)}`;
  const hit = newCallId('found');
  const other = newCallId('other');
  const eventId = await deliver(request, turn(hit, 'user', `My ${word} order never arrived`, 1));
  await deliver(request, turn(other, 'user', 'Nothing to see here', 1));

  await page.goto('/');
  const bar = page.getByRole('searchbox', { name: 'Search calls' });
  await bar.fill(word);
  await bar.press('Enter');
  await expect(page).toHaveURL(new RegExp(`\\?q=${word}$`));
  const rows = page.locator('.results tr[data-call-id]');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-call-id', hit);
  await expect(rows.first().locator('.snippet mark')).toHaveText(word);

  await rows.first().locator('a.row-link').click();
  await expect(page).toHaveURL(new RegExp(`/calls/${hit}\\?at=${eventId}#e${eventId}$`));
  await expect(page.locator(`#e${eventId}`)).toBeInViewport();

  // Back restores the query and its results.
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`\\?q=${word}$`));
  await expect(page.getByRole('searchbox', { name: 'Search calls' })).toHaveValue(word);
  await expect(page.locator('.results tr[data-call-id]')).toHaveCount(1);
});

test('structured terms narrow, chips run them, and a bad query says what is wrong', async ({ page, request }) => {
  const id = newCallId('chips');
  await deliverFixtureCall(request, id);
  await page.goto('/');
  await page.getByRole('link', { name: 'Errors', exact: true }).click();
  await expect(page).toHaveURL(/\?q=has%3Atool_error$/);
  await expect(page.locator(`.results tr[data-call-id="${id}"]`)).toBeVisible();
  // The chip shows it is on; another chip adds to the query.
  await expect(page.locator('.chips a.chip', { hasText: 'Errors' })).toHaveAttribute('aria-current', 'true');
  await expect(page.locator('.chips a.chip', { hasText: 'Hangs' })).toHaveAttribute('href', '/?q=has%3Atool_error%20has%3Ahang');

  await page.goto(`/?q=${encodeURIComponent(`tool:listOpenSlots -has:hang`)}`);
  await expect(page.locator(`.results tr[data-call-id="${id}"]`)).toHaveCount(0);
  await page.goto(`/?q=${encodeURIComponent(`tool:listOpenSlots has:hang "front desk"`)}`);
  // The call's first hit: the agent saying it, before the transfer's label.
  await expect(page.locator(`.results tr[data-call-id="${id}"] .snippet mark`)).toHaveText(/^front desk$/i);

  // A query worth keeping is saved as a view: a chip of its own, until deleted.
  const name = `Slots ${Date.now().toString(36)}`;
  await page.getByLabel('Save this query as').fill(name);
  await page.getByRole('button', { name: 'Save view' }).click();
  await expect(page).toHaveURL(/&notice=view-saved$/);
  await expect(page.getByTestId('form-notice')).toHaveText('Saved the view.');
  await page.goto('/');
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.locator(`.results tr[data-call-id="${id}"]`)).toBeVisible();
  await page.getByRole('button', { name: `Delete the view ${name}` }).click();
  await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);

  await page.goto(`/?q=${encodeURIComponent('status:gone')}`);
  await expect(page.getByTestId('query-error')).toContainText('unknown status `gone`: use live, ended, transferred or stale (at character 1)');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the query bar is a plain form', async ({ page, request }) => {
    const word = `nojs${Date.now().toString(36)}`;
    const id = newCallId('nojs-search');
    await deliver(request, turn(id, 'agent', `Plain ${word} form`, 1));
    await page.goto('/');
    await page.getByRole('searchbox', { name: 'Search calls' }).fill(word);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(new RegExp(`\\?q=${word}$`));
    await expect(page.locator(`.results tr[data-call-id="${id}"] .snippet mark`)).toHaveText(word);
  });
});
