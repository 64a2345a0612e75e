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
