// The calls list on a laptop and a phone: one line a call, in columns that
// fit the screen and line up from Live to Past.
import { test, expect } from './fixtures';
import { deliver, endCall, newCallId, turn } from './events';

async function fill(request: Parameters<typeof deliver>[0]) {
  // Enough past calls to fill a screen, one live call, one with a long headline.
  for (let i = 0; i < 18; i++) {
    const id = newCallId('row');
    await deliver(request, turn(id, 'user', i === 0 ? 'I would like to move my appointment from Tuesday afternoon to Thursday morning if there is still a slot with the same dentist, please, and also ask about parking' : 'Hello', 0.5));
    await deliver(request, endCall(id, 30, 'user'));
  }
  const live = newCallId('live-row');
  await deliver(request, turn(live, 'agent', 'Hello, how can I help?', 0.5));
  return live;
}

test('at 1,280 × 800 the list fits, lines up, and shows 15 calls or more', async ({ page, request }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const live = await fill(request);
  await page.goto('/');
  await expect(page.locator(`.live-calls tr[data-call-id="${live}"]`)).toBeVisible();

  const past = page.locator('.past-calls table.calls');
  const overflow = await past.evaluate((t) => ({ scroll: t.scrollWidth, client: t.clientWidth, right: t.getBoundingClientRect().right }));
  expect(overflow.scroll).toBeLessThanOrEqual(overflow.client);
  expect(overflow.right).toBeLessThanOrEqual(1280);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);

  // Same x for each header in both sections.
  const xs = (section: string) => page.locator(`${section} table.calls thead th`).evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().left)));
  expect(await xs('.live-calls')).toEqual(await xs('.past-calls'));

  // One line a row: ~40 px, so a screen of the past calls holds 15 or more.
  const heights = await past.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
  for (const h of heights) expect(h).toBeLessThanOrEqual(44);
  await past.evaluate((t) => t.scrollIntoView({ block: 'start' }));
  const visible = await past.locator('tbody tr').evaluateAll((rows) =>
    rows.filter((r) => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= window.innerHeight; }).length);
  expect(visible).toBeGreaterThanOrEqual(15);
});

test('at 390 × 844 nothing scrolls sideways and the alerts badge shows', async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await fill(request);
  for (const path of ['/', '/alerts', '/deliveries', '/insights', '/settings']) {
    await page.goto(path);
    await expect(page.locator('main')).not.toContainText('Loading');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} scrolls sideways`).toBeLessThanOrEqual(390);
    await expect(page.getByTestId('alert-link')).toBeInViewport();
    await expect(page.getByRole('button', { name: /sign out/i })).toBeInViewport();
  }
});
