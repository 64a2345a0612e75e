// Tests the shared outbox loop machinery: one loop per key, wake() ends an idle wait, failures logged, stop() ends all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutboxLoops } from './outbox-loops.ts';

interface Warned {
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A queue of pending rows per key; drain() takes them all, as a deliverer claims every due row. */
function setup(keys: readonly string[], failOnce: string | null = null) {
  const pending = new Map<string, number>(keys.map((key) => [key, 0]));
  const drained: string[] = [];
  const warned: Warned[] = [];
  let failing = failOnce;
  const waiters: (() => void)[] = [];
  const loops = new OutboxLoops<string>({
    keys,
    drain: (key, signal) => {
      if (failing === key) {
        failing = null;
        return Promise.reject(new Error('store down'));
      }
      const count = signal.aborted ? 0 : (pending.get(key) ?? 0);
      pending.set(key, 0);
      for (let i = 0; i < count; i += 1) {
        drained.push(key);
      }
      for (const waiter of waiters.splice(0)) {
        waiter();
      }
      return Promise.resolve(count);
    },
    describe: (key) => ({ endpoint: key }),
    failedMessage: 'loop failed',
    log: { warn: (fields, message) => warned.push({ fields: fields as Record<string, unknown>, message }) },
    // Long enough that only wake() can explain a prompt drain.
    pollMs: 3_600_000,
    prune: () => Promise.resolve(0),
    pruneEveryMs: 3_600_000,
    pruneFailedMessage: 'prune failed',
  });
  const drainedAgain = (): Promise<void> => new Promise((resolve) => waiters.push(resolve));
  return { loops, pending, drained, warned, drainedAgain };
}

/** Wakes until the loops drain again: a wake() before a loop reaches its idle wait finds no one to wake. */
async function wakeUntil(loops: OutboxLoops<string>, drained: Promise<void>): Promise<void> {
  let done = false;
  void drained.then(() => {
    done = true;
  });
  for (let i = 0; i < 100_000 && !done; i += 1) {
    loops.wake();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await drained;
}

test('drainAll drains every key once, in order, and counts the attempts', { timeout: 60_000 }, async () => {
  const { loops, pending, drained } = setup(['a', 'b']);
  pending.set('a', 2);
  pending.set('b', 1);
  assert.equal(await loops.drainAll(), 3);
  assert.deepEqual(drained, ['a', 'a', 'b']);
  assert.equal(await loops.drainAll(), 0);
});

test('an idle loop drains at once when woken, and stop() ends every loop', { timeout: 60_000 }, async () => {
  const { loops, pending, drained, drainedAgain } = setup(['a', 'b']);
  const firstPass = Promise.all([drainedAgain(), drainedAgain()]);
  loops.start();
  await firstPass;
  pending.set('b', 2);
  await wakeUntil(loops, drainedAgain());
  assert.deepEqual(drained, ['b', 'b']);
  await loops.stop();
  assert.equal(loops.signal.aborted, true);
  pending.set('a', 1);
  assert.equal(await loops.drainAll(), 0, 'a stopped loop set hands drains an aborted signal');
});

test('a failing drain is logged with its key and the loop goes on', { timeout: 60_000 }, async () => {
  const { loops, pending, drained, warned, drainedAgain } = setup(['a'], 'a');
  loops.start();
  // The first drain threw; the loop idles until woken, then drains again.
  pending.set('a', 1);
  await wakeUntil(loops, drainedAgain());
  await loops.stop();
  assert.deepEqual(drained, ['a']);
  assert.equal(warned.length, 1);
  assert.equal(warned[0]?.message, 'loop failed');
  assert.equal(warned[0]?.fields.endpoint, 'a');
  assert.ok(warned[0]?.fields.err instanceof Error);
});
