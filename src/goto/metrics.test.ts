import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { registerGoToMetrics } from './metrics.ts';
import type { CallEventsStats } from './call-events/source.ts';

test('the sources stats are exposed as Prometheus counters, summed and only growing', async () => {
  const stats: CallEventsStats = {
    frames: 10,
    events: 8,
    ignored: 1,
    invalid: 1,
    reconnects: 0,
    channelRefreshes: 2,
    gaps: 0,
    recoveredStates: 0,
    fetchRetries: 0,
    reconciliations: 0,
    reportStates: 0,
    reportSubscriptionFailures: 0,
  };
  let sources = [{ stats }];
  const registry = new Registry();
  registerGoToMetrics(registry, { sources: () => sources, connected: () => sources.length });
  let text = await registry.metrics();
  assert.match(text, /screenpop_goto_invalid_total 1/);
  assert.match(text, /screenpop_goto_channel_refreshes_total 2/);
  assert.match(text, /screenpop_goto_connected_sources 1/);
  stats.invalid = 3;
  text = await registry.metrics();
  assert.match(text, /screenpop_goto_invalid_total 3/);
  sources = [];
  text = await registry.metrics();
  assert.match(text, /screenpop_goto_invalid_total 3/, 'a stopped source does not make the counter go down');
  assert.match(text, /screenpop_goto_connected_sources 0/);
});

test('rejected frames are counted by API and reason, summed over the sources', async () => {
  const stats = { frames: 3, events: 0, ignored: 0, invalid: 3, sessions: 1 } as unknown as CallEventsStats;
  const sources: { stats: CallEventsStats; api: string; rejected: Record<string, number> }[] = [
    { stats, api: 'call-events', rejected: { not_json: 2, bad_call_state: 1 } },
    { stats, api: 'realtime', rejected: { not_json: 4 } },
  ];
  const registry = new Registry();
  registerGoToMetrics(registry, { sources: () => sources, connected: () => 2 });
  const text = await registry.metrics();
  assert.match(text, /screenpop_goto_rejected_frames_total\{api="call-events",reason="not_json"\} 2/);
  assert.match(text, /screenpop_goto_rejected_frames_total\{api="call-events",reason="bad_call_state"\} 1/);
  assert.match(text, /screenpop_goto_rejected_frames_total\{api="realtime",reason="not_json"\} 4/);
});
