import { test, expect, request as apiRequest } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deliver, newCallId, turn } from './events';

// This test runs its own server, so it can restart it under an open page.
const port = 3998;
const base = `http://127.0.0.1:${port}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calltrail-restart-'));

function start(): ChildProcess {
  return spawn('target/debug/calltrail', ['serve'], {
    cwd: path.join(__dirname, '..', '..'),
    env: { ...process.env, CALLTRAIL_ADDR: `127.0.0.1:${port}`, CALLTRAIL_DB: path.join(dir, 'restart.db'), RUST_LOG: 'warn' },
    stdio: 'ignore',
  });
}

async function healthy(): Promise<void> {
  const api = await apiRequest.newContext();
  await expect
    .poll(async () => (await api.get(`${base}/healthz`).catch(() => null))?.status(), { timeout: 20_000 })
    .toBe(200);
  await api.dispose();
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

test('after a server restart the open page reconnects and catches up by itself', async ({ page }) => {
  let server = start();
  try {
    await healthy();
    const api = await apiRequest.newContext({ baseURL: base });
    const id = newCallId('restart');
    await deliver(api, turn(id, 'agent', 'Before the restart.', 1));

    await page.goto(`${base}/calls/${id}`);
    const link = page.locator('[data-link]');
    await expect(link).toHaveAttribute('data-link', 'live');

    await stop(server); // graceful: the stream ends, the page notices
    await expect(link).toHaveAttribute('data-link', 'reconnecting');
    server = start();
    await healthy();
    // Committed while the page was away, then one more once it is back.
    await deliver(api, turn(id, 'user', 'During the reconnect.', 2));
    await expect(link).toHaveAttribute('data-link', 'live', { timeout: 15_000 });
    await deliver(api, turn(id, 'agent', 'After the restart.', 3));

    await expect(page.locator('.timeline > li .text')).toHaveText([
      'Before the restart.',
      'During the reconnect.',
      'After the restart.',
    ]);
    await api.dispose();
  } finally {
    await stop(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
