// Saving notes on a just-ended call: waits for that call's row only, so it completes under steady traffic.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { CallTracker } from '../calls/call-tracker.ts';
import type { CallLogWriter } from '../calls/ports.ts';
import { ending, leg, snapshot } from '../calls/testing/events.ts';
import type { Call } from '../calls/types.ts';
import { registerDataRoutes } from '../server/routes/data/data-routes.ts';
import { storeTargets, testPhone } from '../store/testing/targets.ts';
import { notesHook } from './notes-hook.ts';

const sqlite = storeTargets().find((t) => t.name === 'sqlite')!;
after(() => sqlite.cleanup());

/** The real SQLite call log, counting the rows it was asked to write. */
function counting(log: CallLogWriter): CallLogWriter & { writes: number } {
  return {
    writes: 0,
    async writeEndedCall(call: Call): Promise<void> {
      this.writes++;
      await log.writeEndedCall(call);
    },
  };
}

test('a note saves while the call-log queue is never empty, after a bounded number of rows', async () => {
  const store = await sqlite.open();
  const log = counting(store.callLog);
  const tracker = new CallTracker({ callLog: log, settleMs: 20, gapWaitMs: 3_600_000 });
  const app = Fastify();
  const shown: string[] = [];
  await app.register(async (scope) => {
    notesHook(scope, { pops: { notesSaved: (callId) => shown.push(callId) }, tracker });
    await registerDataRoutes(scope, {
      store,
      phone: testPhone,
      principal: () => 'dana@x',
      supervisors: ['dana@x'], // may write any call's notes (the policy is tested in data-routes.test.ts)
    });
  });
  // A call that ended with four states missing waits for them (an hour here): the queue is never empty, and a
  // wait for the whole queue would not end before it does.
  tracker.event(ending('gappy', 5));
  let flushed = false;
  void tracker.flush().then(() => {
    flushed = true;
  });
  let ended = 0;
  const traffic = (async (): Promise<void> => {
    while (ended < 2_000) {
      const id = `bg-${ended++}`;
      tracker.event(snapshot(id, 1, [leg('2101', 'connected')]));
      tracker.event(ending(id, 2));
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  while (ended < 1_000) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  tracker.event(snapshot('target', 1, [leg('2101', 'connected')]));
  tracker.event(ending('target', 2));
  const ahead = tracker.logBacklog; // at most these rows are written before the target's
  const writesBefore = log.writes;
  const reply = await app.inject({
    method: 'PUT',
    url: '/api/calls/target/notes',
    payload: { notes: 'wants a callback', disposition: null },
  });
  const writesForTheNote = log.writes - writesBefore;
  const backlogAtSave = tracker.logBacklog;
  await traffic;
  assert.equal(reply.statusCode, 200);
  assert.equal((await store.callLog.get('target'))?.notes, 'wants a callback');
  assert.deepEqual(shown, ['target']);
  assert.ok(backlogAtSave > 0, 'the queue was not empty when the note saved');
  assert.equal(flushed, false, 'a wait for the whole queue had not finished');
  assert.ok(
    writesForTheNote <= ahead,
    `${writesForTheNote} rows written before the note's, ${ahead} were ahead`,
  );
  await tracker.close();
  assert.equal(log.writes, 2_002, 'every call is logged once');
  await app.close();
});

test('a note for a call whose row the store refuses for a while is saved once the row lands', async () => {
  const store = await sqlite.open();
  let refusing = true;
  const flaky: CallLogWriter = {
    async writeEndedCall(call) {
      if (refusing) {
        throw new Error('SQLITE_READONLY: attempt to write a readonly database');
      }
      await store.callLog.writeEndedCall(call);
    },
  };
  const tracker = new CallTracker({ callLog: flaky, settleMs: 0, logRetryBaseMs: 5, logRetryMaxMs: 20 });
  const app = Fastify();
  await app.register(async (scope) => {
    notesHook(scope, { pops: { notesSaved: () => {} }, tracker });
    await registerDataRoutes(scope, {
      store,
      phone: testPhone,
      principal: () => 'dana@x',
      supervisors: ['dana@x'], // may write any call's notes (the policy is tested in data-routes.test.ts)
    });
  });
  tracker.event(snapshot('c1', 1, [leg('2101', 'connected')]));
  tracker.event(ending('c1', 2));
  const saving = app.inject({
    method: 'PUT',
    url: '/api/calls/c1/notes',
    payload: { notes: 'kept until the row is written', disposition: 'sale' },
  });
  const deadline = Date.now() + 10_000;
  while (!tracker.logWritesFailing && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(tracker.logWritesFailing, true);
  refusing = false;
  const reply = await saving;
  assert.equal(reply.statusCode, 200);
  const entry = await store.callLog.get('c1');
  assert.equal(entry?.notes, 'kept until the row is written');
  assert.equal(entry?.disposition, 'sale');
  await tracker.close();
  await app.close();
});
