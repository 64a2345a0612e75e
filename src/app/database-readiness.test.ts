// /readyz's database check over a ping that succeeds, fails, or never answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { databaseReadiness } from './database-readiness.ts';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('not ready while pings fail or hang, ready again once one passes', async () => {
  let mode: 'up' | 'down' | 'hang' = 'up';
  const check = databaseReadiness(
    () =>
      mode === 'up'
        ? Promise.resolve()
        : mode === 'down'
          ? Promise.reject(new Error('connection refused'))
          : new Promise<void>(() => {}),
    log,
    40,
  );
  try {
    assert.equal(check.name, 'database');
    assert.equal(check.ready(), true, 'ready from the start: the store just opened');
    mode = 'down';
    await sleep(200);
    assert.equal(check.ready(), false);
    mode = 'up';
    await sleep(200);
    assert.equal(check.ready(), true);
    mode = 'hang';
    await sleep(300);
    assert.equal(check.ready(), false, 'a ping with no answer counts as unreachable');
  } finally {
    check.stop();
  }
});
