// The call log through a store outage: rows wait and retry until the store takes them, and /readyz says not ready.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { CallTracker } from '../calls/call-tracker.ts';
import type { CallLogWriter } from '../calls/ports.ts';
import { ending, leg, snapshot } from '../calls/testing/events.ts';
import { readinessRoute } from '../server/routes/health.ts';
import { storeTargets } from '../store/testing/targets.ts';

const sqlite = storeTargets().find((t) => t.name === 'sqlite')!;
after(() => sqlite.cleanup());

test('every ended call reaches a store that refused writes for a while; /readyz is 503 meanwhile', async () => {
  const store = await sqlite.open();
  let down = true;
  let refused = 0;
  // The real SQLite call log behind a switch: what a full disk or a locked file looks like from the tracker.
  const outage: CallLogWriter = {
    async writeEndedCall(call) {
      if (down) {
        refused++;
        throw new Error('SQLITE_FULL: database or disk is full');
      }
      await store.callLog.writeEndedCall(call);
    },
  };
  const tracker = new CallTracker({ callLog: outage, settleMs: 0, logRetryBaseMs: 1, logRetryMaxMs: 10 });
  const app = Fastify();
  readinessRoute(app, [{ name: 'call_log_writes', ready: () => !tracker.logWritesFailing }]);
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  for (let i = 0; i < 200; i++) {
    tracker.event(snapshot(`c${i}`, 1, [leg('2101', 'connected')]));
    tracker.event(ending(`c${i}`, 2));
  }
  // Far past the five tries (~3 s) after which rows used to be abandoned.
  const deadline = Date.now() + 30_000;
  while (refused < 100 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.ok(refused >= 100);
  const notReady = await app.inject({ url: '/readyz' });
  assert.equal(notReady.statusCode, 503);
  assert.deepEqual(notReady.json(), { ready: false, failing: ['call_log_writes'] });
  assert.equal(tracker.logBacklog, 200);
  down = false;
  await tracker.flush();
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  assert.equal(tracker.logBacklog, 0);
  const logged = await store.callLog.list({ limit: 500 });
  assert.equal(logged.length, 200);
  await tracker.close();
  await app.close();
});
