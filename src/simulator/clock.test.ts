// Spec of the simulated clock: scaled time, scaled timers, cancellation and disposal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimClock } from './clock.ts';

test('simulated time runs timeScale times faster than the wall clock', async () => {
  const clock = createSimClock(100);
  const start = clock.now();
  const realStart = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const real = performance.now() - realStart;
  const elapsed = clock.now() - start;
  // Against the real time measured alongside, not a wall-clock margin: a busy machine may stretch the 50 ms.
  assert.ok(elapsed >= 4_500, `elapsed ${elapsed} simulated ms`);
  assert.ok(Math.abs(elapsed - real * 100) <= real * 10 + 200, `${elapsed} simulated ms in ${real} ms`);
});

test('after() waits simulated / scale real milliseconds', async () => {
  const clock = createSimClock(1000);
  const started = performance.now();
  await new Promise<void>((resolve) => clock.after(30_000, resolve));
  const real = performance.now() - started;
  // 30 ms scaled against 30 s unscaled: the upper bound leaves a busy machine plenty of room.
  assert.ok(real >= 25 && real < 15_000, `waited ${real} ms`);
});

test('the cancel function of after() stops the timer', async () => {
  const clock = createSimClock(1000);
  let fired = false;
  const cancel = clock.after(10_000, () => {
    fired = true;
  });
  cancel();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(fired, false);
});

test('dispose cancels every pending timer', async () => {
  const clock = createSimClock(1000);
  let fired = 0;
  clock.after(10_000, () => (fired += 1));
  clock.after(20_000, () => (fired += 1));
  clock.dispose();
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(fired, 0);
});

test('a delay beyond setTimeout’s 2^31-1 ms limit does not fire at once', async () => {
  const clock = createSimClock(1);
  let fired = false;
  clock.after(2_147_483_647 * 1000, () => {
    fired = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(fired, false);
  clock.dispose();
});

test('a scale that is not a positive number is refused', () => {
  assert.throws(() => createSimClock(0), /timeScale/);
  assert.throws(() => createSimClock(Number.NaN), /timeScale/);
});
