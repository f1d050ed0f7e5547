// Two instances on one PostgreSQL database: an event posted to one shows up
// live on a page served by the other (LISTEN/NOTIFY), and a duplicate is
// recognised whichever instance it reaches. Needs CALLTRAIL_E2E_PG, the URL of
// an empty database made for this file (.ci/test creates one).
import { request as apiRequest, type APIRequestContext } from '@playwright/test';
import { type ChildProcess } from 'node:child_process';
import { test, expect } from './fixtures';
import { deliver, newCallId, turn, WEBHOOK } from './events';
import { CREDENTIALS_ENV, healthy, signIn, startServer, stopServer } from './server';

const pg = process.env.CALLTRAIL_E2E_PG;
test.skip(!pg, 'set CALLTRAIL_E2E_PG to an empty PostgreSQL database to run the scale-out tests');

const portA = 3995;
const portB = 3994;
const baseA = `http://127.0.0.1:${portA}`;
const baseB = `http://127.0.0.1:${portB}`;

let serverA: ChildProcess | undefined;
let serverB: ChildProcess | undefined;
let apiA: APIRequestContext;
let apiB: APIRequestContext;

test.beforeAll(async () => {
  test.setTimeout(60_000);
  // One after the other: A applies the migrations and creates the admin
  // account before B starts, so the two never race to create it.
  serverA = startServer(portA, pg!, CREDENTIALS_ENV);
  await healthy(baseA);
  serverB = startServer(portB, pg!, CREDENTIALS_ENV);
  await healthy(baseB);
  apiA = await apiRequest.newContext({ baseURL: baseA });
  apiB = await apiRequest.newContext({ baseURL: baseB });
});

test.afterAll(async () => {
  await apiA?.dispose();
  await apiB?.dispose();
  if (serverB) await stopServer(serverB);
  if (serverA) await stopServer(serverA);
});

test('an event posted to instance A appears live on a page served by instance B', async ({ browser }) => {
  // These servers have sessions of their own: a fresh context, signed in on B.
  const page = await browser.newPage({ storageState: { cookies: [], origins: [] } });
  try {
    await signIn(page, baseB);

    // B's calls list, connected to B's live stream.
    await page.goto(`${baseB}/`);
    await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((window as any).__notReloaded = true));

    // A new call's first turn, posted to A, shows up on B's list.
    const id = newCallId('scale');
    await deliver(apiA, turn(id, 'agent', 'Posted to instance A.', 1));
    const liveRow = page.locator(`.live-calls tr[data-call-id="${id}"]`);
    await expect(liveRow).toBeVisible();
    await expect(liveRow.locator('.state')).toHaveText('last: Agent');
    expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);

    // B's call page follows the call too: a second turn posted to A appears.
    await page.goto(`${baseB}/calls/${id}`);
    await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
    await page.evaluate(() => ((window as any).__notReloaded = true));
    const texts = page.locator('.timeline > li .text');
    await expect(texts).toHaveText(['Posted to instance A.']);
    await deliver(apiA, turn(id, 'user', 'Seen on instance B.', 3));
    await expect(texts).toHaveText(['Posted to instance A.', 'Seen on instance B.']);
    expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
  } finally {
    await page.close();
  }
});

test('a duplicate sent to B of an event first sent to A is recognised', async () => {
  // The same body through the same webhook route (as `deliver` posts it):
  // the same dedup key, whichever instance receives it.
  const event = turn(newCallId('dup'), 'agent', 'Sent twice.', 1);

  const first = await apiA.post(WEBHOOK, { data: event });
  expect(first.status()).toBe(200);
  const accepted = await first.json();
  expect(accepted.status).toBe('accepted');

  const second = await apiB.post(WEBHOOK, { data: event });
  expect(second.status()).toBe(200);
  const duplicate = await second.json();
  expect(duplicate.status).toBe('duplicate');
  expect(duplicate.event_id).toBe(accepted.event_id);
});
