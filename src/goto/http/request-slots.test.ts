import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import pino from 'pino';
import { RequestSlots, followSignal } from './request-slots.ts';
import { createGoToApi } from './rest-client.ts';

test('request slots run at most N at once, the rest in the order they came', async () => {
  const slots = new RequestSlots(2);
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const releases: (() => void)[] = [];
  const runs = [0, 1, 2, 3, 4].map((i) =>
    slots.run(async () => {
      running += 1;
      most = Math.max(most, running);
      order.push(i);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
    }),
  );
  for (let done = 0; done < 5; done++) {
    while (releases.length === 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(slots.waiting <= 3);
    releases.shift()!();
  }
  await Promise.all(runs);
  assert.equal(most, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
});

test('a thousand requests following one signal add one listener to it; its abort reaches those still running', () => {
  const shared = new AbortController();
  const links = Array.from({ length: 1_000 }, () => followSignal(shared.signal));
  assert.equal(getEventListeners(shared.signal, 'abort').length, 1);
  links[0]!.release();
  shared.abort(new Error('stopped'));
  assert.equal(links[0]!.signal.aborted, false); // released: done before the abort
  assert.ok(
    links.slice(1).every((l) => l.signal.aborted && (l.signal.reason as Error).message === 'stopped'),
  );
  assert.equal(followSignal(shared.signal).signal.aborted, true); // after the abort: aborted at once
});

test('a burst of GoTo requests from one client keeps at most `concurrency` in flight', async () => {
  let inFlight = 0;
  let most = 0;
  const server = createServer((_request, response) => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }, 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const api = createGoToApi({
      urls: { api: base, admin: base, realtime: base },
      tokens: { accessToken: async () => 't', refreshAfterRejection: async () => 't' },
      logger: pino({ level: 'silent' }),
      concurrency: 4,
    });
    const signal = new AbortController().signal;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => api.request('GET', api.url('api', `/x/${i}`), { signal })),
    );
    assert.equal(answers.length, 40);
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal(most, 4);
    assert.equal(getEventListeners(signal, 'abort').length, 1);
  } finally {
    server.close();
  }
});
