import { test, expect } from './fixtures';
import { deliver, deliverFixtureCall, newCallId, turn } from './events';

const PASSWORD = 'an editor password';

// Two people review one call in two browsers: the admin (this test's page)
// pins a note to a tool call and the editor, on the same call's page, sees
// it arrive live; the editor flags the call "Tool failed" with a score of 2;
// the search finds it and the CSV export carries the flag and the score.
test('a note arrives live, a flag and a score are found and exported', async ({ page, browser, baseURL }) => {
  test.setTimeout(60_000);
  const id = newCallId('review');
  await deliverFixtureCall(page.request, id);

  // An editor joins through an invitation.
  await page.goto('/settings/users');
  await page.getByRole('combobox').first().selectOption('editor');
  await page.getByRole('button', { name: 'Make an invitation link' }).click();
  const link = await page.getByTestId('new-link').inputValue();
  const name = `edie-${Date.now()}`;
  const editor = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const theirs = await editor.newPage();
  await theirs.goto(new URL(link).pathname);
  await theirs.getByLabel('Your name').fill(name);
  await theirs.getByLabel('Password (8 characters or more)').fill(PASSWORD);
  await theirs.getByLabel('Password again').fill(PASSWORD);
  await theirs.getByRole('button', { name: 'Create my account' }).click();
  await expect(theirs.getByTestId('username')).toHaveText(name);

  // Both open the call; the editor's page is live.
  await theirs.goto(`/calls/${id}`);
  await expect(theirs.locator('[data-link]')).toHaveAttribute('data-link', 'live');
  await page.goto(`/calls/${id}`);
  const tool = page.locator('li[data-kind="tool_call"]').filter({ hasText: 'listOpenSlots' });
  await tool.getByText('Note or flag').click();
  await expect(tool.getByLabel('Quote')).toHaveValue(/listOpenSlots/);
  await tool.getByLabel('Note', { exact: true }).fill('The slot lookup timed out: the caller waited 10 s.');
  await tool.getByRole('button', { name: 'Pin note' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Pinned the note');

  // It arrives on the editor's open page, under the same item, unreloaded.
  const theirTool = theirs.locator('li[data-kind="tool_call"]').filter({ hasText: 'listOpenSlots' });
  await expect(theirTool.getByTestId('note')).toContainText('The slot lookup timed out');
  await expect(theirTool.getByTestId('note')).toContainText('admin');
  // …and on the overview strip, at the tool call's moment.
  await expect(theirs.locator('.strip .note-pin')).toHaveCount(1);

  // The editor flags the call and scores it.
  const review = theirs.getByRole('form', { name: 'Your review' });
  await review.getByLabel('Tool failed').check();
  await review.getByLabel('2', { exact: true }).check();
  await review.getByLabel('Reviewed').check();
  await review.getByRole('button', { name: 'Save review' }).click();
  await expect(theirs.getByTestId('form-notice')).toContainText('Saved your review');
  await expect(theirs.getByTestId('review-flags')).toHaveText('Tool failed');
  await expect(theirs.getByTestId('review-score')).toHaveText('2');
  // The admin's open page hears of it too.
  await expect(page.getByTestId('reviewed-by')).toHaveText(name);

  // The search finds it; the export carries it.
  await page.goto(`/?q=${encodeURIComponent('flag:tool_failed score<3')}`);
  await expect(page.locator('main a', { hasText: id }).first()).toBeVisible();
  const csv = await (await page.request.get(`/export?format=csv&q=${encodeURIComponent(`flag:tool_failed score<3`)}`)).text();
  const [header, ...rows] = csv.trim().split('\r\n');
  const row = rows.find((r) => r.startsWith(`${id},`));
  expect(row, csv).toBeTruthy();
  const columns = header.split(',');
  const fields = row!.split(',');
  const last = (name: string) => fields[fields.length - (columns.length - columns.indexOf(name))];
  expect(last('flags')).toBe('tool_failed');
  expect(last('score')).toBe('2');
  expect(last('reviewed_by')).toBe(name);
  await editor.close();
});

// Without JavaScript, reviewing still works: plain forms and redirects.
test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('a note and a verdict are saved and shown', async ({ page }) => {
    const id = newCallId('review-nojs');
    await deliverFixtureCall(page.request, id);
    await page.goto(`/calls/${id}`);
    const form = page.getByRole('form', { name: 'Note on the call' });
    await form.getByLabel('Note on the call').fill('Listen from 0:20 on.');
    await form.getByLabel('At (m:ss, optional)').fill('0:20');
    await form.getByRole('button', { name: 'Pin note' }).click();
    await expect(page.getByTestId('form-notice')).toContainText('Pinned the note');
    await expect(page.getByTestId('note')).toContainText('Listen from 0:20 on.');
    await expect(page.getByTestId('note')).toContainText('at +00:20');
  });
});

// A shared link opens the call in a browser that has never signed in; the
// page offers no way into the rest of calltrail.
test('a shared link opens one call for someone without an account', async ({ page, browser, baseURL }) => {
  const id = newCallId('share');
  await deliverFixtureCall(page.request, id);
  await page.goto(`/calls/${id}`);
  const share = page.getByRole('form', { name: 'Share this call' });
  await share.getByLabel('Works for').selectOption('1h');
  await share.getByRole('button', { name: 'Make a shared link' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Made the link');
  const link = await page.getByTestId('new-share').inputValue();
  expect(link).toMatch(/\/share\/[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId('share')).toContainText('0 views');

  const stranger = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const theirs = await stranger.newPage();
  await theirs.goto(new URL(link).pathname);
  await expect(theirs.getByRole('heading', { name: `Call ${id}` })).toBeVisible();
  await expect(theirs.getByTestId('shared-note')).toContainText("read-only, callers' data redacted");
  await expect(theirs.locator('li[data-kind="tool_call"]').first()).toBeVisible();
  await expect(theirs.locator('nav')).toHaveCount(0);
  await expect(theirs.getByText('Note or flag')).toHaveCount(0);
  await theirs.goto(`/calls/${id}`);
  await expect(theirs).toHaveURL(/\/login/);
  await stranger.close();

  await page.reload();
  await expect(page.getByTestId('share')).toContainText('1 view');
  await page.getByTestId('share').getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Revoked the link');
  const gone = await page.request.get(new URL(link).pathname, { headers: { cookie: '' } });
  expect(gone.status()).toBe(404);
});

// Two calls ticked in the list open side by side, their difference marked.
test('two calls ticked in the list are compared', async ({ page }) => {
  const a = newCallId('cmp-a');
  const b = newCallId('cmp-b');
  const word = `comparable${Date.now().toString(36)}`;
  await deliver(page.request, turn(a, 'user', `A ${word} question`, 1));
  await deliver(page.request, turn(b, 'user', `A ${word} question`, 1));
  await deliver(page.request, turn(b, 'agent', 'And one more answer', 2));
  await page.goto(`/?q=${word}`);
  await page.getByLabel(`Compare call ${a}`).check();
  await page.getByLabel(`Compare call ${b}`).check();
  await page.getByRole('button', { name: 'Compare the two ticked calls' }).first().click();
  await expect(page).toHaveURL(/\/compare\?a=/);
  await expect(page.getByTestId('differences')).toHaveText('1 difference, marked below.');
  await expect(page.locator('tr[data-diff="only-b"]')).toContainText('And one more answer');
});
