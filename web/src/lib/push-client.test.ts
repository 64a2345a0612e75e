import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PING_EVERY_MS, PushClient } from './push-client.ts';
import type { ConnectionStatus, SocketHandlers, Timers } from './push-client.ts';
import { makeCard } from './testing/cards.ts';
import type { Card, ServerMessage } from '../../../src/shared/messages.ts';

class FakeSocket {
  sent: unknown[] = [];
  closed = false;
  constructor(readonly on: SocketHandlers) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  receive(msg: ServerMessage): void {
    this.on.message(JSON.stringify(msg));
  }
}

class FakeTimers implements Timers {
  now = 0;
  #next = 1;
  pending = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): number {
    const id = this.#next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) {
        break;
      }
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const cards: Card[] = [];
  const statuses: ConnectionStatus[] = [];
  let resyncs = 0;
  const resets: boolean[] = [];
  const timers = new FakeTimers();
  const client = new PushClient({
    url: 'ws://127.0.0.1/api/push',
    createSocket: (_url, on) => {
      const s = new FakeSocket(on);
      sockets.push(s);
      return s;
    },
    onCard: (c) => cards.push(c),
    onResync: (reset) => {
      resyncs++;
      resets.push(reset);
    },
    onStatus: (s) => statuses.push(s),
    timers,
    random: () => 1,
  });
  return { client, sockets, cards, statuses, timers, resets, resyncs: () => resyncs };
}

test('first connect: hello → resume from the hello cursor, resync, status live', () => {
  const t = setup();
  t.client.start();
  t.sockets[0]!.receive({ type: 'hello', principal: 'a', cursor: 4 });
  assert.deepEqual(t.sockets[0]!.sent, [{ type: 'resume', cursor: 4 }]);
  assert.equal(t.resyncs(), 1);
  assert.deepEqual(t.statuses, ['connecting', 'live']);
});

test('after a drop it reconnects with back-off and resumes from the last card cursor', () => {
  const t = setup();
  t.client.start();
  t.sockets[0]!.receive({ type: 'hello', principal: 'a', cursor: 4 });
  t.sockets[0]!.receive({ type: 'card', cursor: 5, card: makeCard() });
  t.sockets[0]!.on.close();
  assert.equal(t.statuses.at(-1), 'offline');
  assert.equal(t.sockets.length, 1);
  t.timers.advance(499);
  assert.equal(t.sockets.length, 1, 'waits for the first back-off step');
  t.timers.advance(1);
  assert.equal(t.sockets.length, 2);
  t.sockets[1]!.receive({ type: 'hello', principal: 'a', cursor: 9 });
  assert.deepEqual(t.sockets[1]!.sent, [{ type: 'resume', cursor: 5 }]);
  assert.equal(t.resyncs(), 1, 'no second resync when resuming');
  assert.equal(t.cards.length, 1);
});

test('a restarted server (hello cursor behind ours) triggers a replacing resync', () => {
  const t = setup();
  t.client.start();
  t.sockets[0]!.receive({ type: 'hello', principal: 'a', cursor: 4 });
  t.sockets[0]!.receive({ type: 'card', cursor: 30, card: makeCard() });
  t.sockets[0]!.on.close();
  t.timers.advance(500);
  t.sockets[1]!.receive({ type: 'hello', principal: 'a', cursor: 1 });
  assert.deepEqual(t.resets, [false, true]);
  assert.deepEqual(t.sockets[1]!.sent, [{ type: 'resume', cursor: 1 }]);
  assert.equal(t.client.cursor, 1);
});

test('back-off grows with each failed attempt and resets after a hello', () => {
  const t = setup();
  t.client.start();
  t.sockets[0]!.on.close();
  t.timers.advance(500);
  t.sockets[1]!.on.close();
  t.timers.advance(999);
  assert.equal(t.sockets.length, 2);
  t.timers.advance(1);
  assert.equal(t.sockets.length, 3);
  t.sockets[2]!.receive({ type: 'hello', principal: 'a', cursor: 0 });
  t.sockets[2]!.on.close();
  t.timers.advance(500);
  assert.equal(t.sockets.length, 4);
});

test('events from an old socket are ignored', () => {
  const t = setup();
  t.client.start();
  const old = t.sockets[0]!;
  old.on.close();
  t.timers.advance(500);
  old.receive({ type: 'card', cursor: 1, card: makeCard() });
  old.on.close();
  assert.equal(t.cards.length, 0);
  assert.equal(t.sockets.length, 2);
  assert.equal(t.timers.pending.size, 0, 'no extra reconnect scheduled');
});

test('pings while live, and stop closes the socket without reconnecting', () => {
  const t = setup();
  t.client.start();
  t.sockets[0]!.receive({ type: 'hello', principal: 'a', cursor: 0 });
  t.timers.advance(PING_EVERY_MS);
  assert.deepEqual(t.sockets[0]!.sent.at(-1), { type: 'ping' });
  t.client.stop();
  assert.equal(t.sockets[0]!.closed, true);
  t.sockets[0]!.on.close();
  t.timers.advance(60_000);
  assert.equal(t.sockets.length, 1);
});

test('reconnectNow skips the remaining back-off', () => {
  const t = setup();
  t.client.start();
  t.sockets[0]!.on.close();
  t.client.reconnectNow();
  assert.equal(t.sockets.length, 2);
  t.timers.advance(60_000);
  assert.equal(t.sockets.length, 2, 'the scheduled retry was cancelled');
});
