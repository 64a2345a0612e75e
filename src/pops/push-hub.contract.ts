// The behaviour every PushHub shares (memory, PostgreSQL LISTEN/NOTIFY): run it against each one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCard, pendingEnrichment } from './card-builder.ts';
import { call } from './testing/calls.ts';
import type { PushEntry, PushHub } from './ports.ts';
import type { Card } from '../shared/messages.ts';

export interface PushHubTarget {
  /** Why this hub cannot be tested here (printed with the skipped tests); undefined when it can. */
  readonly skip?: string | undefined;
  /** A fresh hub with empty streams. */
  open(): Promise<PushHub>;
  close(hub: PushHub): Promise<void>;
}

export const card = (id: string, version = 1): Card =>
  buildCard({ call: call({ id }), enrichment: pendingEnrichment(call()), version, notes: null });

/** Waits until `done()` holds: a hub may deliver after publish returns (NOTIFY round trip). Bounded, generous. */
async function eventually(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !done(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(done(), `timed out waiting for ${what}`);
}

/** Records what one subscriber receives. */
async function listen(hub: PushHub, principal: string) {
  const got: PushEntry[] = [];
  const subscription = await hub.subscribe(principal, (entry) => got.push(entry));
  const ids = () => got.map((entry) => entry.card.callId);
  return { got, ids, subscription };
}

export function pushHubContract(name: string, target: PushHubTarget): void {
  // node:test awaits the tests it registers: nothing here waits for the promise test() returns.
  const withHub = (title: string, body: (hub: PushHub) => Promise<void>): void =>
    void test(`${name}: ${title}`, { skip: target.skip ?? false }, async () => {
      const hub = await target.open();
      try {
        await body(hub);
      } finally {
        await target.close(hub);
      }
    });

  withHub('every subscriber of the listed agents gets the card, others get nothing', async (hub) => {
    const tab1 = await listen(hub, 'a@x');
    const tab2 = await listen(hub, 'a@x');
    const other = await listen(hub, 'b@x');
    hub.publish(['a@x'], card('c1'));
    await eventually(() => tab1.got.length === 1 && tab2.got.length === 1, 'both tabs');
    // Anything meant for b@x would have arrived before this later update of its own.
    hub.publish(['b@x'], card('marker'));
    await eventually(() => other.got.length > 0, 'the marker');
    assert.deepEqual(other.ids(), ['marker']);
    assert.equal(await hub.wasSent('b@x', 'c1'), false);
    assert.equal(await hub.wasSent('a@x', 'c1'), true);
  });

  // Cursors grow with every update but need not be consecutive: PostgreSQL numbers all agents' updates in one
  // sequence, so a browser's cursor means the same on every instance.
  withHub('cursors grow with each update, and since() replays after a cursor', async (hub) => {
    const a = await listen(hub, 'a@x');
    hub.publish(['a@x', 'b@x'], card('c1'));
    hub.publish(['a@x'], card('c2'));
    await eventually(() => a.got.length === 2, 'two updates');
    const [first, second] = a.got.map((e) => e.cursor);
    assert.ok(
      first !== undefined && second !== undefined && first > 0 && second > first,
      `${first}, ${second}`,
    );
    assert.ok((await hub.subscribe('a@x', () => {})).cursor >= second);
    assert.deepEqual(
      (await hub.since('a@x', first)).map((e) => [e.card.callId, e.cursor]),
      [['c2', second]],
    );
    assert.deepEqual(await hub.since('a@x', second), []);
    const b = await hub.since('b@x', 0);
    assert.deepEqual(
      b.map((e) => e.card.callId),
      ['c1'],
    );
    assert.ok((await hub.subscribe('b@x', () => {})).cursor >= (b[0]?.cursor ?? Infinity));
  });

  withHub(
    'subscribing while updates flow: the cursor and the live updates leave no gap and no repeat',
    async (hub) => {
      const calls = Array.from({ length: 40 }, (_, i) => `c${i}`);
      let late: Awaited<ReturnType<typeof listen>> | null = null;
      for (const [i, id] of calls.entries()) {
        hub.publish(['a@x'], card(id));
        if (i === 15) {
          void listen(hub, 'a@x').then((subscribed) => (late = subscribed));
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await eventually(() => late !== null, 'the subscription');
      const live = late as unknown as Awaited<ReturnType<typeof listen>>;
      hub.publish(['a@x'], card('end'));
      calls.push('end');
      await eventually(() => live.ids().includes('end'), 'the last update');
      const replay = await hub.since('a@x', live.subscription.cursor);
      assert.deepEqual(
        live.ids(),
        replay.map((e) => e.card.callId),
      );
      assert.deepEqual(
        live.got.map((e) => e.cursor),
        replay.map((e) => e.cursor),
      );
      const before = (await hub.since('a@x', 0)).filter((e) => e.cursor <= live.subscription.cursor);
      assert.deepEqual(
        [...before, ...replay].map((e) => e.card.callId),
        calls,
      );
    },
  );

  withHub(
    'a subscription starts at the stream’s end: its cursor plus live updates miss nothing',
    async (hub) => {
      hub.publish(['a@x'], card('c1'));
      hub.publish(['a@x'], card('c2'));
      const late = await listen(hub, 'a@x');
      hub.publish(['a@x'], card('c3'));
      await eventually(() => late.got.length === 1, 'c3');
      const replay = await hub.since('a@x', late.subscription.cursor);
      assert.deepEqual(
        replay.map((e) => e.card.callId),
        ['c3'],
      );
      assert.deepEqual(late.ids(), ['c3']);
    },
  );

  withHub('closing a subscription stops delivery; the card is still kept', async (hub) => {
    const closed = await listen(hub, 'a@x');
    const open = await listen(hub, 'a@x');
    closed.subscription.close();
    closed.subscription.close();
    hub.publish(['a@x'], card('c1'));
    await eventually(() => open.got.length === 1, 'the open subscriber');
    assert.equal(closed.got.length, 0);
    assert.equal((await hub.recentCards('a@x')).length, 1);
  });

  withHub('a replay sends each call once, in its latest version, in update order', async (hub) => {
    hub.publish(['a@x'], card('c1', 1));
    hub.publish(['a@x'], card('c2', 1));
    hub.publish(['a@x'], card('c1', 2));
    const replay = await hub.since('a@x', 0);
    assert.deepEqual(
      replay.map((e) => [e.card.callId, e.card.version]),
      [
        ['c2', 1],
        ['c1', 2],
      ],
    );
    const [c2, c1] = replay.map((e) => e.cursor);
    assert.ok(c2 !== undefined && c1 !== undefined && c1 > c2, 'cursors in update order');
  });

  withHub('an update no newer than the kept version is dropped, not delivered', async (hub) => {
    const a = await listen(hub, 'a@x');
    hub.publish(['a@x'], card('c1', 2));
    hub.publish(['a@x'], card('c1', 2));
    hub.publish(['a@x'], card('c1', 1));
    hub.publish(['a@x'], card('marker'));
    await eventually(() => a.ids().includes('marker'), 'the marker');
    assert.deepEqual(
      a.got.map((e) => [e.card.callId, e.card.version]),
      [
        ['c1', 2],
        ['marker', 1],
      ],
    );
  });

  withHub('a cursor ahead of the stream (from before a restart) replays everything kept', async (hub) => {
    hub.publish(['a@x'], card('c1'));
    hub.publish(['a@x'], card('c2'));
    assert.deepEqual(
      (await hub.since('a@x', 1_000_000_000)).map((e) => e.card.callId),
      ['c1', 'c2'],
    );
  });

  withHub('recent cards are the agent’s own, newest update first', async (hub) => {
    hub.publish(['a@x'], card('c1'));
    hub.publish(['a@x', 'b@x'], card('c2'));
    hub.publish(['a@x'], card('c1', 2));
    assert.deepEqual(
      (await hub.recentCards('a@x')).map((c) => c.callId),
      ['c1', 'c2'],
    );
    assert.deepEqual(
      (await hub.recentCards('b@x')).map((c) => c.callId),
      ['c2'],
    );
    assert.deepEqual(await hub.recentCards('nobody@x'), []);
    assert.deepEqual(await hub.since('nobody@x', 0), []);
  });
}
