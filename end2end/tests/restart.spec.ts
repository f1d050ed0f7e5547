import { request as apiRequest } from '@playwright/test';
import { test, expect } from './fixtures';
import { type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deliver, newCallId, turn } from './events';
import { CREDENTIALS_ENV, healthy as healthyAt, signIn, startServer, stopServer as stop } from './server';

// This test runs its own server, so it can restart it under an open page.
const port = 3998;
const base = `http://127.0.0.1:${port}`;
const healthy = () => healthyAt(base);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calltrail-restart-'));

function start(): ChildProcess {
  return startServer(port, path.join(dir, 'restart.db'), CREDENTIALS_ENV);
}

test('after a server restart the open page reconnects and catches up by itself', async ({ browser }) => {
  // Its own server has its own sessions: a fresh context, signed in there.
  const page = await browser.newPage({ storageState: { cookies: [], origins: [] } });
  let server = start();
  try {
    await healthy();
    const api = await apiRequest.newContext({ baseURL: base });
    const id = newCallId('restart');
    await deliver(api, turn(id, 'agent', 'Before the restart.', 1));

    await signIn(page, base);
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
