import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Card } from '../shared/messages.ts';
import { ServerMetrics } from './metrics.ts';

const card = (callId: string, phase: Card['phase']): Card =>
  ({ callId, phase, startedAt: 1_000 }) as unknown as Card;

test('card updates are counted by phase on /metrics, and a call’s first card times the first pop', async () => {
  const metrics = new ServerMetrics(
    () => 0,
    () => 1_250,
  );
  metrics.cardPublished(card('c1', 'ringing'));
  metrics.cardPublished(card('c1', 'ringing'));
  metrics.cardPublished(card('c1', 'connected'));
  const text = await metrics.registry.metrics();
  assert.match(text, /^screenpop_cards_published_total\{phase="ringing"\} 2$/m);
  assert.match(text, /^screenpop_cards_published_total\{phase="connected"\} 1$/m);
  assert.match(text, /^screenpop_first_pop_seconds_count 1$/m);
  assert.match(text, /^screenpop_first_pop_seconds_sum 0.25$/m);
});
