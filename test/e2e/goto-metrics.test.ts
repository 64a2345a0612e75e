// /metrics of the running app shows the GoTo sources' counters: demo mode (the simulator over the wire), one call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.ts';
import { startScreenpop } from '../../src/app/screenpop.ts';
import { waitForAsync } from './harness.ts';

/** The value of one unlabelled sample in a Prometheus text page, or null when it is absent. */
function sample(page: string, name: string): number | null {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(page);
  return match === null ? null : Number(match[1]);
}

test('GET /metrics shows the GoTo sources: frames, events, invalid frames, reconnects, connected', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'screenpop-metrics-'));
  const app = await startScreenpop(
    loadConfig({
      SCREENPOP_PORT: '0',
      SCREENPOP_SIMULATOR_PORT: '0',
      SCREENPOP_DATA_DIR: dataDir,
      SCREENPOP_DEMO_CALL_INTERVAL: '0',
      LOG_LEVEL: 'silent',
    }),
    { webRoot: null, logger: pino({ level: 'silent' }), demoTraffic: false },
  );
  try {
    const metrics = async (): Promise<string> => (await fetch(`${app.url}/metrics`)).text();
    await waitForAsync(
      'the account connection',
      async () => sample(await metrics(), 'screenpop_goto_connected_sources') === 1,
    );
    const placed = await fetch(`${app.simulator!.url}/_sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'answered', from: '+13125550111', to: '2101', talkMs: 200 }),
    });
    assert.equal(placed.status, 201);
    const page = await waitForAsync('the call in the counters', async () => {
      const text = await metrics();
      return (sample(text, 'screenpop_goto_events_total') ?? 0) >= 2 ? text : null;
    });
    assert.ok((sample(page, 'screenpop_goto_frames_total') ?? 0) >= 2);
    assert.equal(sample(page, 'screenpop_goto_invalid_total'), 0);
    assert.equal(sample(page, 'screenpop_goto_reconnects_total'), 0);
    assert.equal(sample(page, 'screenpop_goto_connected_sources'), 1);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
