// Live-follow under load: a call streaming 30 events a second for 20 s
// stays followed to its newest item, and the page never holds more items
// than its bound; a reader who scrolls up is left alone until they ask.
import { test, expect } from './fixtures';
import { deliver, newCallId, turn } from './events';

const BOUND = 400;

async function stream(request: import('@playwright/test').APIRequestContext, id: string, from: number, count: number, perSecond: number) {
  const sends: Promise<number>[] = [];
  const started = Date.now();
  for (let i = from; i < from + count; i++) {
    sends.push(deliver(request, turn(id, i % 2 ? 'user' : 'agent', `Burst line ${i}`, i / perSecond)));
    const due = started + ((i - from + 1) * 1000) / perSecond;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  }
  await Promise.all(sends);
}

test('a 30 events/s stream for 20 s stays followed and within the bound', async ({ page, request }) => {
  test.setTimeout(90_000);
  const id = newCallId('burst');
  await deliver(request, turn(id, 'agent', 'Burst line start', 0));
  await page.goto(`/calls/${id}`);
  await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
  // Record the most items the timeline ever held.
  await page.evaluate(() => {
    const list = document.querySelector('.timeline')!;
    (window as any).mostItems = list.children.length;
    new MutationObserver(() => {
      (window as any).mostItems = Math.max((window as any).mostItems, list.children.length);
    }).observe(list, { childList: true });
  });

  await stream(request, id, 1, 600, 30);

  const newest = page.locator('.timeline > li').last();
  await expect(newest).toContainText('Burst line 600');
  await expect(newest).toBeInViewport();
  expect(await page.evaluate(() => (window as any).mostItems)).toBeLessThanOrEqual(BOUND);
  await expect(page.locator('.new-events')).toHaveCount(0);
  await expect(page.getByRole('link', { name: '↑ Show earlier events' })).toBeVisible();

  // The reader scrolls up: new events no longer pull them down, a pill counts them.
  await page.mouse.move(400, 500);
  await page.mouse.wheel(0, -1500);
  await expect(page.locator('[data-key="l"]')).toHaveAttribute('aria-pressed', 'false');
  const scrolled = await page.evaluate(() => window.scrollY);
  await stream(request, id, 601, 10, 20);
  await expect(page.locator('.new-events')).toHaveText('10 new events ↓');
  expect(await page.evaluate(() => window.scrollY)).toBeLessThanOrEqual(scrolled);

  // "l" follows again, at the newest item.
  await page.keyboard.press('l');
  await expect(page.locator('.timeline > li').last()).toContainText('Burst line 610');
  await expect(page.locator('.timeline > li').last()).toBeInViewport();
  await expect(page.locator('.new-events')).toHaveCount(0);
});

test('a long live call opens at its newest event', async ({ page, request }) => {
  test.setTimeout(60_000);
  const id = newCallId('opens');
  for (let i = 0; i < 350; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, k) => deliver(request, turn(id, 'agent', `Line ${i + k}`, i + k))));
  }
  await page.goto(`/calls/${id}`);
  const newest = page.locator('.timeline > li').last();
  await expect(newest).toContainText('Line 349');
  await expect(newest).toBeInViewport();
});
