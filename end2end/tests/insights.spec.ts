// Understanding and taking away: a call's voice metrics (with what makes
// them untrusted), list columns that sort, /insights charts whose points
// open the calls behind them, exports that download exactly the selected
// rows, and a call downloaded as a replayable fixture.
import * as fs from 'node:fs';
import { test, expect } from './fixtures';
import { deliver, endCall, newCallId, toolCall, turn } from './events';

/** A call with a unique word, a failed tool call and an end. */
async function wordCall(request: import('@playwright/test').APIRequestContext, word: string) {
  const id = newCallId('ins');
  await deliver(request, turn(id, 'user', `I need the ${word} booking moved`, 1));
  await deliver(request, toolCall(id, 3, 'moveBooking', { error: 'slot taken' }));
  await deliver(request, turn(id, 'agent', 'That slot is taken, sorry.', 6));
  await deliver(request, endCall(id, 9, 'user'));
  return id;
}

test('a call shows its metrics, and the list sorts by them', async ({ page, request }) => {
  const word = `quokka${Date.now().toString(36)}`;
  const id = await wordCall(request, word);

  await page.goto(`/calls/${id}`);
  const metrics = page.getByLabel('Voice metrics');
  await expect(metrics.locator('.metric', { hasText: 'Tools' })).toContainText('1/1 failed');
  // No report timed the turns: the latency says it is an estimate, and why.
  const latency = metrics.locator('.metric', { hasText: 'Latency' });
  await expect(latency).toContainText('≈');
  await expect(page.locator('.untrusted-notes li').first()).toContainText(/≈ Latency, Stall, Talk untrusted: turn ends estimated from word count/);

  // Measured in the background: the list shows it once the runner has been.
  await expect(async () => {
    await page.goto(`/?q=${word}`);
    await expect(page.locator(`tr[data-call-id="${id}"] td[data-label="Tools"]`)).toHaveText('1/1 failed', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.getByRole('link', { name: 'Latency' }).click();
  await expect(page).toHaveURL(new RegExp(`\\?q=${word}&sort=latency$`));
  await expect(page.locator('th[aria-sort="descending"]')).toHaveText(/Latency/);
  await page.getByRole('link', { name: /Latency/ }).click();
  await expect(page).toHaveURL(/sort=latency\.asc$/);
  await expect(page.locator(`.results tr[data-call-id="${id}"]`)).toBeVisible();
});

test('insights chart the selected calls and each bar opens them', async ({ page, request }) => {
  const word = `wombat${Date.now().toString(36)}`;
  const id = await wordCall(request, word);
  await expect(async () => {
    await page.goto(`/insights?q=${word}`);
    await expect(page.locator('.chart.tools a')).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByText('1 call(s) selected')).toBeVisible();
  await expect(page.locator('.chart.tools')).toContainText('moveBooking');
  await expect(page.locator('.chart.tools')).toContainText('1 of 1 failed (100%)');
  // The one call, ended, in its minute (one call spans no time, so bars
  // count minutes: 16:02 UTC on 14 March 2026).
  const bar = page.locator('.chart rect.ended').first();
  await expect(bar).toHaveCount(1);
  await page.locator('.chart a:has(rect.ended)').first().click();
  await expect(page).toHaveURL(/started%3E%3D2026-03-14T16%3A02%20started%3C2026-03-14T16%3A03/);
  await expect(page.locator(`.results tr[data-call-id="${id}"]`)).toBeVisible();
  await expect(page.locator('.results tr[data-call-id]')).toHaveCount(1);
});

test('exports download exactly the rows the query selects, and a call downloads as a fixture', async ({ page, request }) => {
  const word = `okapi${Date.now().toString(36)}`;
  const first = await wordCall(request, word);
  const second = await wordCall(request, word);
  await wordCall(request, `${word}x`);

  await page.goto(`/?q=${word}`);
  await expect(page.locator('.results tr[data-call-id]')).toHaveCount(2);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'calls as CSV' }).click()]);
  expect(csv.suggestedFilename()).toBe('calltrail-calls.csv');
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^call_id,/);
  expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual([first, second].sort());
  // The page followed the export to its end.
  await expect(page.locator('.export-progress')).toHaveText('Export done: 2 calls.');

  const [jsonl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'their events as JSON lines' }).click()]);
  const events = fs.readFileSync(await jsonl.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(events).toHaveLength(8);
  expect(new Set(events.map((e) => e.call_id))).toEqual(new Set([first, second]));

  await page.goto(`/calls/${first}`);
  const [fixture] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download this call as a fixture' }).click()]);
  expect(fixture.suggestedFilename()).toBe(`${first.replace(/[^A-Za-z0-9_-]/g, '_')}.fixture.jsonl`);
  const fixtureLines = fs.readFileSync(await fixture.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(fixtureLines[0]).toMatchObject({ calltrail_fixture: 1, call_id: first, source: 'infer', deliveries: 4 });
  expect(JSON.parse(fixtureLines[2].body).metadata.functionName).toBe('moveBooking');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('insights are drawn by the server and sorting is a link', async ({ page, request }) => {
    const word = `tapir${Date.now().toString(36)}`;
    const id = await wordCall(request, word);
    await expect(async () => {
      await page.goto(`/insights?q=${word}`);
      await expect(page.locator('.chart.tools a')).toHaveCount(1, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(page.locator('svg.chart')).toHaveCount(4);
    await page.goto(`/?q=${word}`);
    await page.getByRole('link', { name: 'Stall' }).click();
    await expect(page).toHaveURL(/sort=stall$/);
    await expect(page.locator(`.results tr[data-call-id="${id}"]`)).toBeVisible();
  });
});
