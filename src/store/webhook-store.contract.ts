// Contract of the webhook outbox (OutboxStore): dedupe, ordered claims with leases, pauses, the delivery log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptResult, NewOutboxRow, OutboxRow, OutboxStore } from '../webhooks/ports.ts';

const T = 1_700_000_000_000;
const LEASE = 60_000;

function row(eventId: string, callId: string, at = T): NewOutboxRow {
  return {
    endpoint: 'crm',
    eventId,
    callId,
    type: 'call.ringing',
    payload: `{"e":"${eventId}"}`,
    createdAt: at,
  };
}

function result(
  r: OutboxRow,
  owner: string,
  outcome: AttemptResult['outcome'],
  at: number,
  next = at,
): AttemptResult {
  const ok = outcome === 'delivered';
  return {
    rowId: r.id,
    owner,
    at,
    durationMs: 12,
    status: ok ? 204 : 503,
    error: ok ? null : 'HTTP 503',
    outcome,
    nextAttemptAt: next,
    failingSince: ok ? null : at,
    pausedUntil: null,
  };
}

async function claimed(store: OutboxStore, at: number, owner = 'a'): Promise<OutboxRow | null> {
  return (await store.claim('crm', owner, at, LEASE))?.row ?? null;
}

export function webhookStoreContract(open: () => Promise<OutboxStore>): void {
  test('an event is queued once per endpoint, however often it is handed in', async () => {
    const store = await open();
    assert.equal(await store.enqueue([row('e1', 'c1'), row('e2', 'c1')]), 2);
    assert.equal(await store.enqueue([row('e1', 'c1'), { ...row('e1', 'c1'), endpoint: 'other' }]), 1);
    assert.deepEqual(
      (await store.endpoints(['crm', 'other'])).map((e) => [e.name, e.pending]),
      [
        ['crm', 2],
        ['other', 1],
      ],
    );
  });

  test('one attempt at a time per endpoint; a call waits for its earlier event; a lost lease runs out', async () => {
    const store = await open();
    await store.enqueue([row('a1', 'A'), row('a2', 'A'), row('b1', 'B')]);
    const first = await claimed(store, T);
    assert.equal(first?.eventId, 'a1');
    assert.equal(first?.payload, '{"e":"a1"}');
    assert.equal(await claimed(store, T + 1, 'b'), null, 'a1 is in flight');
    // The owner died (kill -9): once the lease runs out, a1 is claimed again, by anyone.
    const again = await claimed(store, T + LEASE + 1, 'b');
    assert.equal(again?.eventId, 'a1');
    await store.finish('crm', again!, result(again!, 'b', 'delivered', T + LEASE + 2));
    const second = await claimed(store, T + LEASE + 3);
    assert.equal(second?.eventId, 'a2');
  });

  test('a retry waits for its time and holds back its own call, not the others', async () => {
    const store = await open();
    await store.enqueue([row('a1', 'A'), row('a2', 'A'), row('b1', 'B')]);
    const a1 = (await claimed(store, T))!;
    await store.finish('crm', a1, result(a1, 'a', 'retry', T + 1, T + 5_000));
    const next = (await claimed(store, T + 2))!;
    assert.equal(next.eventId, 'b1', 'a2 waits behind a1');
    await store.finish('crm', next, result(next, 'a', 'delivered', T + 3));
    assert.equal(await claimed(store, T + 4), null);
    const retried = (await claimed(store, T + 5_000))!;
    assert.equal(retried.eventId, 'a1');
    assert.equal(retried.attempts, 1);
    await store.finish('crm', retried, result(retried, 'a', 'dead', T + 5_001));
    assert.equal(
      (await claimed(store, T + 5_002))?.eventId,
      'a2',
      'a given-up event no longer holds its call',
    );
  });

  test('a paused endpoint is not claimed until its probe time', async () => {
    const store = await open();
    await store.enqueue([row('a1', 'A')]);
    const a1 = (await claimed(store, T))!;
    await store.finish('crm', a1, { ...result(a1, 'a', 'retry', T), pausedUntil: T + 900_000 });
    assert.equal(await claimed(store, T + 1_000), null);
    const [health] = await store.endpoints(['crm']);
    assert.equal(health?.pausedUntil, T + 900_000);
    assert.equal(health?.failingSince, T);
    assert.equal(health?.lastStatus, 503);
    assert.equal((await claimed(store, T + 900_000))?.eventId, 'a1');
  });

  test('a finish from an owner whose lease was taken over settles nothing', async () => {
    const store = await open();
    await store.enqueue([row('a1', 'A')]);
    const stale = (await claimed(store, T, 'old'))!;
    const fresh = (await claimed(store, T + LEASE + 1, 'new'))!;
    await store.finish('crm', stale, result(stale, 'old', 'delivered', T + LEASE + 2));
    assert.equal((await store.endpoints(['crm']))[0]?.pending, 1);
    await store.finish('crm', fresh, result(fresh, 'new', 'delivered', T + LEASE + 3));
    assert.equal((await store.endpoints(['crm']))[0]?.pending, 0);
  });

  test('concurrent claims on one endpoint: exactly one wins', async () => {
    const store = await open();
    await store.enqueue([row('a1', 'A'), row('b1', 'B'), row('c1', 'C')]);
    // Warm the pool first, so the claims really overlap on PostgreSQL instead of queueing for connections.
    await Promise.all(Array.from({ length: 8 }, () => store.endpoints(['crm'])));
    await store.claim('crm', 'warm', T - LEASE - 1, 1);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.claim('crm', `owner-${i}`, T, LEASE)),
    );
    assert.equal(claims.filter((c) => c !== null).length, 1);
  });

  test('the delivery log: newest first, per endpoint, with status and response time; pruning', async () => {
    const store = await open();
    await store.enqueue([row('a1', 'A'), { ...row('x1', 'X'), endpoint: 'other' }]);
    const a1 = (await claimed(store, T))!;
    await store.finish('crm', a1, result(a1, 'a', 'retry', T + 10, T + 20));
    const again = (await claimed(store, T + 20))!;
    await store.finish('crm', again, result(again, 'a', 'delivered', T + 30));
    const log = await store.attempts({ endpoint: 'crm', limit: 10 });
    assert.deepEqual(
      log.map((l) => [l.eventId, l.attempt, l.status, l.ok, l.durationMs, l.error]),
      [
        ['a1', 2, 204, true, 12, null],
        ['a1', 1, 503, false, 12, 'HTTP 503'],
      ],
    );
    assert.equal((await store.attempts({ limit: 1 })).length, 1);
    assert.equal((await store.attempts({ endpoints: ['crm', 'other'], limit: 10 })).length, 2);
    assert.deepEqual(
      await store.attempts({ endpoints: ['other'], limit: 10 }),
      [],
      'only the endpoints asked for',
    );
    assert.deepEqual(await store.attempts({ endpoints: [], limit: 10 }), []);
    const [health] = await store.endpoints(['crm']);
    assert.equal(health?.lastSuccessAt, T + 30);
    assert.equal(health?.failingSince, null);
    assert.equal(await store.prune(T + 31), 1, 'the delivered row; pending rows stay');
    assert.deepEqual(await store.attempts({ endpoint: 'crm', limit: 10 }), []);
    assert.equal((await store.endpoints(['other']))[0]?.pending, 1);
  });
}
