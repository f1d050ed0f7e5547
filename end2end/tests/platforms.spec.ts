import { test, expect } from './fixtures';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { WEBHOOK_TOKEN } from './server';

const port = process.env.CALLTRAIL_E2E_PORT ?? '3999';

/** Runs `calltrail simulate` for one call of `platform`, ten times faster
 *  than real time; resolves with its exit code. The call's id comes from
 *  the seed: `demo_` and the seed in 16 hex digits. */
function simulate(platform: 'vapi' | 'retell', seed: number): Promise<number | null> {
  const child = spawn(
    process.env.CALLTRAIL_BIN ?? 'target/debug/calltrail',
    ['simulate', '--platform', platform, '--calls', '1', '--speed', '10', '--seed', String(seed),
      '--url', `http://127.0.0.1:${port}/webhooks/${platform}?token=${WEBHOOK_TOKEN}`],
    { cwd: path.join(__dirname, '..', '..'), stdio: 'ignore', env: { ...process.env, RUST_LOG: 'warn' } },
  );
  return new Promise((resolve) => child.once('exit', resolve));
}

function callId(seed: number): string {
  return `demo_${seed.toString(16).padStart(16, '0')}`;
}

for (const { platform, badge, agent, checks } of [
  {
    platform: 'vapi' as const,
    badge: 'Vapi',
    agent: 'Northwind Support Line',
    checks: ['lookup_order', 'NW48217', 'out_for_delivery', 'Returns Specialist', 'customer-ended-call',
      'Thanks for calling Northwind Outfitters', 'The caller asked about order NW48217'],
  },
  {
    platform: 'retell' as const,
    badge: 'Retell',
    agent: 'Northwind Support (Ava)',
    checks: ['lookup_order', 'NW48217', 'out_for_delivery', '+18885550199', 'user_hangup',
      'Thanks for calling Northwind Outfitters', 'The caller asked about order NW48217'],
  },
]) {
  test(`a simulated ${badge} call appears live and reads like an Infer call`, async ({ page }) => {
    const seed = Date.now() % 1_000_000_000;
    const id = callId(seed);
    await page.goto('/');
    await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
    const done = simulate(platform, seed);

    // It shows up in the list while it runs, badged with its platform.
    const row = page.locator(`tr[data-call-id="${id}"]`);
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row.locator('.tag.source')).toHaveText(badge);
    // It says who is on it: the caller and the agent, as the platform named them.
    await expect(row.locator('.parties')).toHaveText(`Caller +14155550142 · Agent ${agent}`);

    await page.goto(`/calls/${id}`);
    await expect(page.locator('.call-bar .tag.source')).toHaveText(badge);
    expect(await done).toBe(0);
    // Everything the platform sent reads as timeline items, live.
    const timeline = page.locator('main');
    for (const text of checks) {
      await expect(timeline).toContainText(text, { timeout: 15_000 });
    }
    await expect(page.locator('.call-bar .status')).toContainText(/ended|transferred/);
    // The tool call reads in one line, arguments and result, without a click.
    const tool = page.locator('.tool-line', { hasText: 'out_for_delivery' });
    await expect(tool).toBeVisible();
    await expect(tool).toContainText('lookup_order(order_id: "NW48217") → out_for_delivery');

    // The caller links to the calls with them, this one among them.
    await page.locator('.call-bar .parties').getByRole('link', { name: 'Caller +14155550142' }).click();
    await expect(page).toHaveURL(/\/\?q=caller%3A%2B14155550142$/);
    await expect(page.getByRole('searchbox', { name: 'Search calls' })).toHaveValue('caller:+14155550142');
    await expect(page.locator(`tr[data-call-id="${id}"]`)).toBeVisible();
  });
}
