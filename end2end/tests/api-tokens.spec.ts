// API tokens as a person makes them: one made on the settings page reads
// exactly the calls the query bar shows, cannot write with the read scope,
// stops at once when revoked — and each of those is in the audit log.
import { test, expect } from './fixtures';
import { deliver, deliverFixtureCall, newCallId, turn } from './events';

test('a token made in the UI reads what the query bar shows until it is revoked', async ({ page, request }) => {
  const word = `kiwi${Date.now().toString(36)}`;
  const failing = newCallId('api-failing');
  const fine = newCallId('api-fine');
  await deliverFixtureCall(request, failing);
  await deliver(request, turn(failing, 'user', `about the ${word} order`, 40));
  await deliver(request, turn(fine, 'user', `another ${word} question`, 1));

  const name = `e2e ${word}`;
  await page.goto('/settings/tokens');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Scope').selectOption('read');
  await page.getByRole('button', { name: 'Make the token' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Made the token');
  const token = await page.getByTestId('new-token').inputValue();
  expect(token).toMatch(/^ctk_[A-Za-z0-9_-]{43}$/);
  await page.reload();
  await expect(page.getByTestId('new-token')).toHaveCount(0);

  const query = `has:tool_error ${word}`;
  await page.goto(`/?q=${encodeURIComponent(query)}`);
  const rows = page.locator('.results tr[data-call-id]');
  await expect(rows).toHaveCount(1);
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-call-id')));

  const auth = { Authorization: `Bearer ${token}` };
  const listed = await request.get(`/api/v1/calls?q=${encodeURIComponent(query)}`, { headers: auth });
  expect(listed.status()).toBe(200);
  const ids = (await listed.json()).calls.map((c: { call_id: string }) => c.call_id);
  expect(ids).toEqual(shown);
  expect(ids).toEqual([failing]);

  const write = await request.post('/api/v1/alerts/1/acknowledge', { headers: auth });
  expect(write.status()).toBe(403);
  expect((await write.json()).detail).toContain('read+write');

  await page.goto('/settings/tokens');
  await expect(page.locator(`tr[data-token="${name}"] [data-testid="last-used"]`)).not.toHaveText('never');
  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Revoked the token');
  const revoked = await request.get('/api/v1/calls', { headers: auth });
  expect(revoked.status()).toBe(401);
  expect(revoked.headers()['content-type']).toBe('application/problem+json');

  await page.goto(`/settings/audit?text=${encodeURIComponent(word)}`);
  for (const action of ['token.create', 'token.revoke']) {
    await expect(page.getByRole('cell', { name: action, exact: true })).toHaveCount(1);
  }
  await page.goto('/settings/audit?action=token.');
  await expect(page.getByRole('cell', { name: 'token.forbidden', exact: true }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: 'token.refused', exact: true }).first()).toBeVisible();
});
