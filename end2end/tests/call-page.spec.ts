// The call page at a glance: tool I/O inline, the overview strip, counters
// that jump to problems, interruptions shown on the turn they cut, the
// recording inline, and keyboard shortcuts.
import { test, expect } from './fixtures';
import { deliverFixtureCall, newCallId } from './events';

test('the fixture call reads at a glance, and its problems are a click or a key away', async ({ page, request }) => {
  const id = newCallId('glance');
  const ids = await deliverFixtureCall(request, id);
  await page.goto(`/calls/${id}`);

  // Tool arguments and results without a click.
  const find = page.locator(`#e${ids['tool-call:findAppointment']}`);
  await expect(find.locator('.tool-line')).toContainText('findAppointment(dob: "1988-03-03", practice: "bright-dental")');
  await expect(find.locator('.tree').first()).toBeVisible();
  await expect(find.locator('.tree').first()).toContainText('1988-03-03');
  const failing = page.locator(`#e${ids['tool-call:listOpenSlots']}`);
  await expect(failing.locator('.tool-line')).toContainText('listOpenSlots(after: "12:00", date: "2026-03-26") → failed');
  await expect(failing.locator('.error-text')).toBeVisible();

  // The overview: a shaded silence (the wait before "Sorry for the wait") and the cut turn.
  await expect(page.locator('.strip .silence')).not.toHaveCount(0);
  await expect(page.locator('.strip .bar-cut')).toHaveCount(1);
  await expect(page.locator('.strip .bar-error')).toHaveCount(1);

  // The interrupted turn itself shows what was said and where it was cut
  // (here all of it was said: the fixture's partial transcript is the whole turn).
  const cutTurn = page.locator('.turn .bubble.was-cut');
  await expect(cutTurn.locator('.said')).toHaveText('I found your cleaning on Tuesday at nine thirty. Which day next week works better for');
  await expect(cutTurn.locator('.cut-mark')).toHaveAttribute('aria-label', 'cut off at 15.1 s');
  await expect(cutTurn.locator('.cut-note')).toHaveText('cut off at 15.1 s — the caller heard all of it');
  await expect(page.locator('.interruption .marker-text')).toHaveText(/Speech cut off at 15\.1 s — see the turn/);

  // Agent turns say how long after the caller they answered (an estimate).
  await expect(page.locator('.turn-agent .latency').first()).toContainText(/answered \d+\.\d s after the caller \(estimated\)/);

  // The recording plays inline.
  await expect(page.locator('audio#recording')).toHaveAttribute('src', 'https://example.com/rec/mono.wav');

  // The error counter, in the sticky bar, scrolls to the failing tool.
  await page.locator('.call-bar [data-counter="tool errors"]').click();
  await expect(page).toHaveURL(new RegExp(`#e${ids['tool-call:listOpenSlots']}$`));
  await expect(failing).toBeInViewport();
  await expect(page.locator('.call-bar')).toBeInViewport();

  // Keys: "." to the next problem (the hang), "[" back one event, "?" for the list.
  await page.keyboard.press('.');
  await expect(page).toHaveURL(new RegExp(`#e${ids['hang-notification:']}$`));
  await page.keyboard.press('[');
  await expect(page).toHaveURL(new RegExp(`#e${ids['tool-call:listOpenSlots']}$`));
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Clicking an item on the strip scrolls the list to it.
  await page.locator(`.strip rect[data-event="${ids['tool-call:findAppointment']}"]`).dispatchEvent('click');
  await expect(page).toHaveURL(new RegExp(`#e${ids['tool-call:findAppointment']}$`));
  await expect(find).toBeInViewport();
});

test('the calls list links the first problem, and j/k/Enter open calls from the keyboard', async ({ page, request }) => {
  const id = newCallId('keys');
  const ids = await deliverFixtureCall(request, id);
  await page.goto('/');
  const row = page.locator(`tr[data-call-id="${id}"]`);
  // Problem badges: a sign and a number, named for screen readers and on hover.
  await expect(row.locator('[data-counter="hangs"] .n')).toHaveText('1');
  await expect(row.locator('[data-counter="hangs"] .n')).toHaveAttribute('title', '1 hang');
  await expect(row.locator('[data-counter="interruptions"] .label')).toHaveText(' interruption');

  await page.keyboard.press('j');
  const first = page.locator('tr[data-call-id] a.row-link').first();
  await expect(first).toBeFocused();
  await page.keyboard.press('k');
  await expect(first).toBeFocused();

  await row.locator('[data-counter="tool errors"]').click();
  await expect(page).toHaveURL(new RegExp(`/calls/${id}#first-problem$`));
  await expect(page.locator(`#e${ids['tool-call:listOpenSlots']}`)).toBeInViewport();

  await page.goto('/');
  await page.locator(`tr[data-call-id="${id}"] a.row-link`).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/calls/${id}$`));
});
