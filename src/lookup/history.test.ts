import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeHistory } from './history.ts';
import { logEntry } from './testing/values.ts';

test('the last call carries when, who answered, outcome, notes and disposition', () => {
  const last = logEntry('c2', 2000, {
    notes: 'wants a refund',
    disposition: 'billing',
    answeredByName: 'Dana',
  });
  const h = summarizeHistory({ last, count: 2, recent: [last, logEntry('c1', 1000)] }, 'now');
  assert.deepEqual(h, {
    lastCall: {
      callId: 'c2',
      at: 2000,
      outcome: 'answered',
      answeredBy: 'line-1',
      answeredByName: 'Dana',
      notes: 'wants a refund',
      disposition: 'billing',
    },
    callsLast30Days: 2,
  });
});

test('no past calls: no last call, zero count', () => {
  assert.deepEqual(summarizeHistory({ last: null, count: 0, recent: [] }, 'now'), {
    lastCall: null,
    callsLast30Days: 0,
  });
});

test('the current call is not its own last call when the log already holds it', () => {
  const current = logEntry('now', 3000);
  const before = logEntry('c1', 1000, { outcome: 'missed' });
  const h = summarizeHistory({ last: current, count: 2, recent: [current, before] }, 'now');
  assert.equal(h.lastCall?.callId, 'c1');
  assert.equal(h.callsLast30Days, 1);
});
