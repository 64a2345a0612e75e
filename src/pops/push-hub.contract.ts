// The behaviour every PushHub shares (memory now, PostgreSQL LISTEN/NOTIFY next): run it against each one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCard, pendingEnrichment } from './card-builder.ts';
import { call } from './testing/calls.ts';
import type { PushEntry, PushHub } from './ports.ts';
import type { Card } from '../shared/messages.ts';

export interface PushHubTarget {
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
    void test(`${name}: ${title}`, async () => {
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

  withHub('cursors count per agent, and since() replays after a cursor', async (hub) => {
    const a = await listen(hub, 'a@x');
    hub.publish(['a@x', 'b@x'], card('c1'));
    hub.publish(['a@x'], card('c2'));
    await eventually(() => a.got.length === 2, 'two updates');
    assert.equal((await hub.subscribe('a@x', () => {})).cursor, 2);
    assert.equal((await hub.subscribe('b@x', () => {})).cursor, 1);
    assert.deepEqual(
      (await hub.since('a@x', 1)).map((e) => e.card.callId),
      ['c2'],
    );
    assert.deepEqual(
      a.got.map((e) => e.cursor),
      [1, 2],
    );
  });

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
    assert.deepEqual(
      replay.map((e) => e.cursor),
      [2, 3],
    );
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
      (await hub.since('a@x', 40)).map((e) => e.card.callId),
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
