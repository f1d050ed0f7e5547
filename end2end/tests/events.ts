// Builders for Infer webhook payloads, and a helper to deliver them.
import { expect, type APIRequestContext } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WEBHOOK_TOKEN } from './server';

/** The webhook route with the shared server's token. */
export const WEBHOOK = `/webhooks/infer?token=${WEBHOOK_TOKEN}`;

export const T0 = Date.UTC(2026, 2, 14, 16, 2, 11, 0);

export function newCallId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function turn(callId: string, role: 'agent' | 'user', message: string, seconds: number) {
  return {
    type: 'conversation-update',
    call_id: callId,
    timestamp: new Date(T0 + seconds * 1000).toISOString(),
    metadata: { role, message, time: T0 + seconds * 1000, secondsFromStart: seconds },
  };
}

export function toolCall(callId: string, seconds: number, functionName: string, response: unknown) {
  return {
    type: 'tool-call',
    call_id: callId,
    timestamp: new Date(T0 + seconds * 1000).toISOString(),
    metadata: { functionName, arguments: { date: '2026-03-26' }, response },
  };
}

export function endCall(callId: string, seconds: number, endedBy: string) {
  return {
    type: 'end-call',
    call_id: callId,
    timestamp: new Date(T0 + seconds * 1000).toISOString(),
    metadata: { ended_by: endedBy },
  };
}

/** POSTs an event and checks calltrail acknowledged it. */
export async function deliver(request: APIRequestContext, event: object, url = WEBHOOK): Promise<number> {
  const response = await request.post(url, { data: event });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.status).toBe('accepted');
  return body.event_id;
}

const FIXTURES = path.join(__dirname, '..', '..', 'src', 'server', 'app', 'platforms', 'infer', 'fixtures');

/** The fixture call (13 events: turns, tools, a cut, a hang, a transfer, the end) and its report, under a new id. */
export async function deliverFixtureCall(request: APIRequestContext, id: string) {
  const lines = fs.readFileSync(path.join(FIXTURES, 'call-sequence.jsonl'), 'utf8').trim().split('\n');
  const ids: Record<string, number> = {};
  for (const line of lines) {
    const event = { ...JSON.parse(line), call_id: id };
    ids[`${event.type}:${event.metadata?.functionName ?? ''}`] = await deliver(request, event);
  }
  const report = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'end-of-call-report.json'), 'utf8'));
  await deliver(request, { ...report, call_id: id });
  return ids;
}

