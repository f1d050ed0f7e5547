// Self-hosted agents' traces and ElevenLabs' post-call webhooks, as a
// person sees them: a LiveKit session sent out of order reads as one call
// with its tool's input and output, the cut and each answer's latency
// parts; a Pipecat session's page fills in live as its batches arrive; an
// ElevenLabs call's own audio plays in the call's player.
import { test, expect } from './fixtures';
import type { APIRequestContext } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WEBHOOK_TOKEN } from './server';

const PLATFORMS = path.join(__dirname, '..', '..', 'src', 'server', 'app', 'platforms');
const auth = { authorization: `Bearer ${WEBHOOK_TOKEN}` };

/** A framework's recorded session (OTLP/JSON requests), under a new trace
 *  id, moved so that it starts now. */
function session(framework: string): { traceId: string; batches: any[] } {
  const text = fs.readFileSync(path.join(PLATFORMS, framework, 'fixtures', 'session.json'), 'utf8');
  const batches = JSON.parse(text);
  const traceId = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const spans = batches.flatMap((b: any) => b.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans)));
  const first = spans.map((s: any) => BigInt(s.startTimeUnixNano)).reduce((a: bigint, b: bigint) => (a < b ? a : b));
  const shift = BigInt(Date.now()) * 1_000_000n - first;
  for (const span of spans) {
    span.traceId = traceId;
    span.startTimeUnixNano = String(BigInt(span.startTimeUnixNano) + shift);
    span.endTimeUnixNano = String(BigInt(span.endTimeUnixNano) + shift);
  }
  return { traceId, batches };
}

async function exportBatch(request: APIRequestContext, batch: object) {
  const response = await request.post('/v1/traces', { headers: auth, data: batch });
  expect(response.status()).toBe(200);
}

test('a LiveKit session sent out of order reads as one call with tools, the cut and latency parts', async ({ page, request }) => {
  const { traceId, batches } = session('livekit');
  for (const batch of [...batches].reverse()) await exportBatch(request, batch);
  await exportBatch(request, batches[2]); // an exporter's retry

  await page.goto(`/calls/${traceId}`);
  const timeline = page.getByRole('list', { name: 'timeline' });
  await expect(timeline.getByText('Where is my order A-1042?')).toBeVisible();
  await expect(timeline.getByText('Where is my order A-1042?')).toHaveCount(1);
  // The tool's arguments and result, without a click.
  const tool = timeline.locator('[data-kind="tool_call"]');
  await expect(tool).toContainText('lookup_order');
  await expect(tool).toContainText('A-1042');
  await expect(tool).toContainText('shipped');
  // The agent's answer cut where the caller heard it stop.
  const cut = timeline.locator('.turn-agent .was-cut');
  await expect(cut).toContainText('Good news: order A-1042 has shipped and should');
  await expect(timeline.locator('[data-kind="interruption"]')).toContainText('Agent cut off');

  // Each answer to the caller: the silence heard, split into its parts.
  const measured = timeline.locator('.latency-parts');
  await expect(measured).toHaveCount(2);
  await expect(measured.first()).toContainText('heard 1.20 s of silence');
  await expect(measured.first().locator('.part')).toHaveCount(6); // five parts and what none explains
  await expect(measured.first()).toContainText('LLM first token 409 ms');
  await expect(measured.first()).toContainText('unexplained');
  await expect(measured.nth(1)).toContainText('overlapping by');
});

test('a Pipecat call fills in live as its batches arrive', async ({ page, request }) => {
  const { traceId, batches } = session('pipecat');
  await exportBatch(request, batches[0]);
  await page.goto(`/calls/${traceId}`);
  const timeline = page.getByRole('list', { name: 'timeline' });
  await expect(timeline.getByText('Hi there!')).toBeVisible();
  await expect(page.locator('[data-link]')).toHaveAttribute('data-link', 'live');
  // Marks this document: a reload would lose it.
  await page.evaluate(() => ((window as any).__notReloaded = true));
  for (const batch of batches.slice(1)) await exportBatch(request, batch);
  // No reload: the page's live stream brings the rest.
  await expect(timeline.getByText("Okay, that's all, thanks. Bye!")).toBeVisible();
  await expect(timeline.locator('[data-kind="tool_call"]')).toContainText('shipped');
  await expect(timeline.locator('.latency-parts').first()).toContainText('heard 1.23 s of silence');
  expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
});

test('an ElevenLabs call plays the audio ElevenLabs sent', async ({ page, request }) => {
  const dir = path.join(PLATFORMS, 'elevenlabs', 'fixtures');
  const conversation = `conv_e2e${Date.now().toString(36)}`;
  for (const name of ['post_call_transcription', 'post_call_audio']) {
    const body = fs.readFileSync(path.join(dir, `${name}.json`), 'utf8').replaceAll('conv_01jxjaqmdmqrz32vgz2eqq5vc8', conversation);
    const response = await request.post('/webhooks/elevenlabs', { headers: { ...auth, 'content-type': 'application/json' }, data: body });
    expect(response.status()).toBe(200);
  }
  await page.goto(`/calls/${conversation}`);
  const player = page.locator('audio#recording');
  await expect(player).toBeVisible();
  const duration = await player.evaluate((audio: HTMLAudioElement) => new Promise<number>((resolve, reject) => {
    audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
    audio.addEventListener('error', () => reject(new Error(`the player failed: ${audio.error?.code}`)), { once: true });
    audio.preload = 'auto';
    audio.load();
  }));
  expect(duration).toBeGreaterThan(0.4);
  await expect(page.getByTestId('recording-error')).toHaveCount(0);
});
