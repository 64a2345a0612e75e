// Webhooks end to end on each database: the real PopService's cards → outbox → deliverer → a real receiver on
// loopback that verifies every request with standardwebhooks. A hand-moved clock drives retries and pauses.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Clock } from '../calls/ports.ts';
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { manualClock, storeTargets, testPhone, withSchemaLock } from '../store/testing/targets.ts';
import type { StoreTarget } from '../store/testing/targets.ts';
import { WebhookDeliverer } from './deliverer.ts';
import { WebhookOutbox } from './outbox.ts';
import { WEBHOOK_EVENT_TYPES } from './ports.ts';
import type { OutboxStore } from './ports.ts';
import { defaultRetryPolicy } from './retry-policy.ts';
import { AgentDirectory } from '../pops/audience.ts';
import type { CardEnrichment } from '../pops/card-builder.ts';
import { MemoryPushHub } from '../pops/memory-push-hub.ts';
import { PopService } from '../pops/pop-service.ts';
import { agent, call, leg } from '../pops/testing/calls.ts';
import type { Card } from '../shared/messages.ts';
import { startReceiver, testSecret } from './testing/receiver.ts';
import type { Receiver } from './testing/receiver.ts';
import type { WebhookEndpoint } from './webhook-config.ts';

const silent = { debug: () => {}, info: () => {}, warn: () => {} };
const ALL = ['call.ringing', 'call.answered', 'call.ended', 'call.notes'];

const found: CardEnrichment = {
  lookup: {
    status: 'done',
    matches: [
      {
        contact: {
          id: '42',
          name: 'Ada Lovelace',
          company: 'Analytical Engines',
          email: 'ada@example.com',
          tier: 'gold',
          tags: [],
          recordUrl: null,
          tickets: [],
          appointments: [],
        },
        score: 100,
        reason: 'exact E.164',
        pinned: false,
      },
    ],
    unknownReason: null,
  },
  history: { lastCall: null, callsLast30Days: 0 },
  urgency: { level: 'none', reason: null },
  links: [],
};

/**
 * One inbound call through the real PopService, ringing → lookup answers → answered on line-2101 → ended after 90 s,
 * handing every published card to `published`.
 */
function playCall(callId: string, published: (card: Card) => void, start = 1_700_000_000_000): void {
  const directory = new AgentDirectory([]);
  directory.put(agent('dana@x.example', ['line-2101']));
  let answer: ((e: CardEnrichment) => void) | null = null;
  const pops = new PopService({
    directory,
    hub: new MemoryPushHub(),
    lookup: { start: (_call, update) => (answer = update) },
    log: silent,
    published,
  });
  const ringing = call({ id: callId, startedAt: start, legs: [leg('line-2101', 'ringing', 'Dana')] });
  pops.onCallChange({ call: ringing, previous: null, reasons: ['created'] });
  (answer as ((e: CardEnrichment) => void) | null)?.(found);
  const answered = call({
    ...ringing,
    phase: 'connected',
    legs: [leg('line-2101', 'connected', 'Dana')],
    answeredBy: 'line-2101',
    answeredAt: start + 12_000,
    version: 2,
  });
  pops.onCallChange({ call: answered, previous: ringing, reasons: ['answered'] });
  const ended = call({
    ...answered,
    phase: 'ended',
    legs: [],
    outcome: 'answered',
    endedAt: start + 102_000,
    version: 3,
  });
  pops.onCallChange({ call: ended, previous: answered, reasons: ['ended'] });
  pops.close();
}

function endpointsFor(receiver: Receiver): WebhookEndpoint[] {
  return [
    { name: 'crm', url: receiver.url, events: WEBHOOK_EVENT_TYPES, secret: testSecret, timeoutMs: 5_000 },
  ];
}

function wire(store: OutboxStore, clock: Clock, receiver: Receiver) {
  const endpoints = endpointsFor(receiver);
  const deliverer = new WebhookDeliverer({ store, endpoints, clock, log: silent, random: () => 0.5 });
  const outbox = new WebhookOutbox({ store, endpoints, clock, log: silent, queued: () => deliverer.wake() });
  return { outbox, deliverer };
}

/** The four events of one call, handed to `outbox` as the app does; resolves once they are stored. */
async function oneCall(outbox: WebhookOutbox, callId: string, clock: Clock): Promise<void> {
  playCall(callId, (card) => outbox.cardPublished(card), clock.now());
  outbox.notesSaved(callId, { notes: 'Wants a callback', disposition: 'follow-up', by: 'dana@x.example' });
  await outbox.settled();
}

interface Location {
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly pgSchema?: string;
}

/** A database that can be closed and opened again (a restart), on SQLite or PostgreSQL. */
function reopenable(target: StoreTarget): {
  location: Location;
  open(clock: Clock): Promise<Store>;
  cleanup(): Promise<void>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'screenpop-webhooks-'));
  const url = process.env.TEST_DATABASE_URL ?? '';
  const schema = `sp_webhooks_${process.pid}_${Date.now().toString(36)}`;
  const location: Location =
    target.name === 'sqlite'
      ? { databaseUrl: join(dir, 'restart.db'), dataDir: dir }
      : { databaseUrl: url, dataDir: dir, pgSchema: schema };
  return {
    location,
    // On PostgreSQL, opens hold the test files' schema lock shared and the drop holds it alone (testing/targets.ts).
    open: (clock) =>
      target.name === 'postgres'
        ? withSchemaLock(url, 'shared', () => openStore({ ...location, phone: testPhone, clock }))
        : openStore({ ...location, phone: testPhone, clock }),
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
      if (target.name === 'postgres') {
        await withSchemaLock(url, 'exclusive', (client) =>
          client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
        );
      }
    },
  };
}

/** Another process delivering the outbox at `location` with the system clock, until it is killed. */
function deliverInChild(location: Location, endpoint: WebhookEndpoint): ChildProcess {
  const storeModule = pathToFileURL(join(import.meta.dirname, '../store/store.ts')).href;
  const delivererModule = pathToFileURL(join(import.meta.dirname, 'deliverer.ts')).href;
  const targetsModule = pathToFileURL(join(import.meta.dirname, '../store/testing/targets.ts')).href;
  const code = `
    const { openStore } = await import(${JSON.stringify(storeModule)});
    const { WebhookDeliverer } = await import(${JSON.stringify(delivererModule)});
    const { withSchemaLock } = await import(${JSON.stringify(targetsModule)});
    const [location, endpoint] = JSON.parse(process.argv[1]);
    const open = () => openStore({ ...location, phone: { defaultRegion: 'US', suffixDigits: 7 } });
    const store = location.pgSchema === undefined ? await open() : await withSchemaLock(location.databaseUrl, 'shared', open);
    const log = { info() {}, warn() {} };
    const clock = { now: () => Date.now() };
    new WebhookDeliverer({ store: store.webhooks, endpoints: [endpoint], clock, log }).start();
  `;
  return spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', code, JSON.stringify([location, endpoint])],
    { stdio: 'inherit' },
  );
}

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !done(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(done(), `timed out waiting for ${what}`);
}

for (const target of storeTargets()) {
  describe(`webhooks on ${target.name}`, { skip: target.skip }, () => {
    after(() => target.cleanup());

    test('one call gives four verified events, in order, each with its own stable id', async () => {
      const clock = manualClock(Date.now());
      const receiver = await startReceiver();
      try {
        const { outbox, deliverer } = wire((await target.open(clock)).webhooks, clock, receiver);
        await oneCall(outbox, 'conv-four', clock);
        assert.equal(await deliverer.deliverDue(), 4);
        assert.deepEqual(
          receiver.got.map((g) => g.type),
          ALL,
        );
        assert.ok(receiver.got.every((g) => g.verified));
        assert.equal(new Set(receiver.got.map((g) => g.id)).size, 4);
        const [ringing, answered, ended, notes] = receiver.got.map((g) => g.data);
        assert.equal(ringing?.callId, 'conv-four');
        assert.deepEqual((ringing?.match as Record<string, unknown>).name, 'Ada Lovelace');
        assert.deepEqual(answered?.answeredBy, { lineId: 'line-2101', extension: '2101', name: 'Dana' });
        assert.equal(ended?.outcome, 'answered');
        assert.deepEqual(ended?.durations, { ringSeconds: 12, talkSeconds: 90, totalSeconds: 102 });
        assert.equal(notes?.notes, 'Wants a callback');
        assert.equal(notes?.disposition, 'follow-up');
        assert.equal(notes?.savedBy, 'dana@x.example');
      } finally {
        await receiver.close();
      }
    });

    test('a receiver down for a while gets everything once it is back, in order, nothing doubled', async () => {
      const clock = manualClock(Date.now());
      const receiver = await startReceiver();
      try {
        const store = (await target.open(clock)).webhooks;
        const { outbox, deliverer } = wire(store, clock, receiver);
        await receiver.down();
        await oneCall(outbox, 'conv-down', clock);
        // The call's first event is refused; the other three wait behind it.
        assert.equal(await deliverer.deliverDue(), 1);
        clock.advance(5_000);
        assert.equal(await deliverer.deliverDue(), 1);
        clock.advance(10_000);
        assert.equal(await deliverer.deliverDue(), 1);
        await receiver.up();
        clock.advance(19_999);
        assert.equal(await deliverer.deliverDue(), 0, 'the third retry is due 20 s after the third failure');
        clock.advance(1);
        assert.equal(await deliverer.deliverDue(), 4);
        // Another instance saw the same call: its events carry the same ids, and the outbox drops them.
        const other = wire(store, clock, receiver);
        playCall('conv-down', (card) => other.outbox.cardPublished(card), clock.now());
        await other.outbox.settled();
        assert.equal(await other.deliverer.deliverDue(), 0);
        assert.deepEqual(
          receiver.got.map((g) => g.type),
          ALL,
        );
        assert.ok(receiver.got.every((g) => g.verified));
        const log = await store.attempts({ endpoint: 'crm', limit: 20 });
        assert.deepEqual(log.map((l) => [l.type, l.attempt, l.ok, l.error]).reverse(), [
          ['call.ringing', 1, false, 'ECONNREFUSED'],
          ['call.ringing', 2, false, 'ECONNREFUSED'],
          ['call.ringing', 3, false, 'ECONNREFUSED'],
          ['call.ringing', 4, true, null],
          ['call.answered', 1, true, null],
          ['call.ended', 1, true, null],
          ['call.notes', 1, true, null],
        ]);
      } finally {
        await receiver.close();
      }
    });

    test('the outbox survives a restart, and a row leased by a killed instance goes out once its lease ends', async () => {
      const clock = manualClock(Date.now());
      const receiver = await startReceiver();
      const database = reopenable(target);
      try {
        const first = await database.open(clock);
        const before = wire(first.webhooks, clock, receiver);
        await oneCall(before.outbox, 'conv-restart', clock);
        // kill -9 in the middle of an attempt: the lease was taken, the attempt never finished.
        assert.notEqual(await first.webhooks.claim('crm', 'killed', clock.now(), 60_000), null);
        await first.close();

        const second = await database.open(clock);
        const afterRestart = wire(second.webhooks, clock, receiver);
        assert.equal(await afterRestart.deliverer.deliverDue(), 0, 'the killed lease still holds');
        clock.advance(60_001);
        assert.equal(await afterRestart.deliverer.deliverDue(), 4);
        assert.deepEqual(
          receiver.got.map((g) => g.type),
          ALL,
        );
        assert.ok(receiver.got.every((g) => g.verified));
        await second.close();
      } finally {
        await receiver.close();
        await database.cleanup();
      }
    });

    test('kill -9 during an attempt: the event goes out again once the lease ends, nothing lost', async () => {
      const receiver = await startReceiver();
      const database = reopenable(target);
      try {
        const clock = manualClock(Date.now());
        const first = await database.open(clock);
        await oneCall(wire(first.webhooks, clock, receiver).outbox, 'conv-kill', clock);
        await first.close();
        receiver.hold = true;
        const child = deliverInChild(database.location, endpointsFor(receiver)[0]!);
        const exited = new Promise((resolve) => child.once('exit', resolve));
        await until('the attempt in flight', () => receiver.got.length === 1);
        child.kill('SIGKILL');
        await exited;
        receiver.hold = false;

        const second = await database.open(clock);
        const { deliverer } = wire(second.webhooks, clock, receiver);
        assert.equal(await deliverer.deliverDue(), 0, 'the killed attempt still holds its lease');
        clock.set(Date.now() + 60_001);
        assert.equal(await deliverer.deliverDue(), 4);
        assert.deepEqual(
          receiver.got.map((g) => g.type),
          ['call.ringing', ...ALL],
        );
        assert.equal(receiver.got[0]?.id, receiver.got[1]?.id, 'the repeat carries the same webhook-id');
        assert.ok(receiver.got.every((g) => g.verified));
        await second.close();
      } finally {
        await receiver.close();
        await database.cleanup();
      }
    });

    test(
      'two instances on one database: each event is delivered once, one request at a time, in order per call',
      {
        skip:
          target.name === 'sqlite' ? 'SQLite has one writer process: one instance per database file' : false,
      },
      async () => {
        const receiver = await startReceiver();
        const database = reopenable(target);
        try {
          const clock: Clock = { now: () => Date.now() };
          const a = await database.open(clock);
          const b = await database.open(clock);
          const one = wire(a.webhooks, clock, receiver);
          const two = wire(b.webhooks, clock, receiver);
          // Both instances see every call, as two instances on one GoTo account do.
          const calls = Array.from({ length: 10 }, (_, i) => `conv-multi-${i}`);
          for (const callId of calls) {
            playCall(
              callId,
              (card) => {
                one.outbox.cardPublished(card);
                two.outbox.cardPublished(card);
              },
              clock.now(),
            );
          }
          await Promise.all([one.outbox.settled(), two.outbox.settled()]);
          one.deliverer.start();
          two.deliverer.start();
          await until('30 events', () => receiver.got.length >= 30);
          await Promise.all([one.deliverer.stop(), two.deliverer.stop()]);
          assert.equal(receiver.got.length, 30);
          assert.equal(new Set(receiver.got.map((g) => g.id)).size, 30);
          assert.equal(receiver.maxInFlight, 1);
          for (const callId of calls) {
            assert.deepEqual(
              receiver.got.filter((g) => g.data.callId === callId).map((g) => g.type),
              ['call.ringing', 'call.answered', 'call.ended'],
            );
          }
          await a.close();
          await b.close();
        } finally {
          await receiver.close();
          await database.cleanup();
        }
      },
    );

    test('an endpoint failing for hours is paused, probed, and resumes on the first success', async () => {
      const clock = manualClock(Date.now());
      const receiver = await startReceiver();
      try {
        const store = (await target.open(clock)).webhooks;
        const { outbox, deliverer } = wire(store, clock, receiver);
        receiver.status = 503;
        await oneCall(outbox, 'conv-paused-1', clock);
        let failures = 0;
        const start = clock.now();
        while ((await store.endpoints(['crm']))[0]?.pausedUntil === null && failures < 100) {
          failures += await deliverer.deliverDue();
          clock.advance(5 * 60_000);
        }
        const [paused] = await store.endpoints(['crm']);
        assert.notEqual(paused?.pausedUntil, null);
        assert.equal(paused?.failingSince, start);
        const pausedAfter = (paused?.lastAttemptAt ?? 0) - start;
        assert.ok(pausedAfter >= defaultRetryPolicy.pauseAfterMs, `paused after ${pausedAfter} ms`);
        assert.ok(pausedAfter < defaultRetryPolicy.pauseAfterMs + defaultRetryPolicy.maxDelayMs * 1.2);

        // While paused, a new call's events wait, though they are due.
        await oneCall(outbox, 'conv-paused-2', clock);
        clock.set(paused?.pausedUntil ?? 0);
        clock.advance(-1);
        assert.equal(await deliverer.deliverDue(), 0);
        clock.advance(1);
        assert.equal(await deliverer.deliverDue(), 1, 'one probe');
        assert.notEqual(
          (await store.endpoints(['crm']))[0]?.pausedUntil,
          null,
          'a failed probe keeps it paused',
        );

        receiver.status = 204;
        clock.advance(defaultRetryPolicy.probeEveryMs);
        const sent = receiver.got.length;
        assert.equal(await deliverer.deliverDue(), 8, 'the probe succeeds and the rest follows');
        const resent = receiver.got.slice(sent);
        for (const callId of ['conv-paused-1', 'conv-paused-2']) {
          assert.deepEqual(
            resent.filter((g) => g.data.callId === callId).map((g) => g.type),
            ALL,
            `${callId} in order`,
          );
        }
        const [resumed] = await store.endpoints(['crm']);
        assert.deepEqual([resumed?.pausedUntil, resumed?.failingSince, resumed?.pending], [null, null, 0]);
      } finally {
        await receiver.close();
      }
    });

    test('the background loop delivers on its own, woken by new events, and stops', async () => {
      const receiver = await startReceiver();
      try {
        const clock: Clock = { now: () => Date.now() };
        const { outbox, deliverer } = wire((await target.open()).webhooks, clock, receiver);
        deliverer.start();
        await oneCall(outbox, 'conv-loop', clock);
        for (let i = 0; i < 200 && receiver.got.length < 4; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await deliverer.stop();
        assert.deepEqual(
          receiver.got.map((g) => g.type),
          ALL,
        );
      } finally {
        await receiver.close();
      }
    });
  });
}

test('the pop path does not wait for the outbox: cards go out while the database hangs', () => {
  const hanging: Pick<OutboxStore, 'enqueue'> = { enqueue: () => new Promise<number>(() => {}) };
  const outbox = new WebhookOutbox({
    store: hanging,
    endpoints: [
      {
        name: 'crm',
        url: 'http://127.0.0.1:9/',
        events: WEBHOOK_EVENT_TYPES,
        secret: testSecret,
        timeoutMs: 100,
      },
    ],
    clock: { now: () => 0 },
    log: silent,
  });
  let cards = 0;
  playCall('conv-hang', (card) => {
    outbox.cardPublished(card);
    cards += 1;
  });
  assert.equal(cards, 4, 'pending, found, answered, ended');
});
