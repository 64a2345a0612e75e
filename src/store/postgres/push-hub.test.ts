// The PostgreSQL push hub: the PushHub contract, then several instances (two pools) on one database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { pino } from 'pino';
import { card, pushHubContract } from '../../pops/push-hub.contract.ts';
import type { PushEntry } from '../../pops/ports.ts';
import { openStore } from '../store.ts';
import { testPhone, withSchemaLock } from '../testing/targets.ts';
import { PostgresPushHub } from './push-hub.ts';
import type { PostgresPushHubOptions } from './push-hub.ts';

const url = process.env.TEST_DATABASE_URL || undefined;
const skip = url === undefined ? 'TEST_DATABASE_URL is not set' : undefined;
const schema = `sp_test_hub_${process.pid}_${Date.now().toString(36)}`;
const silent = pino({ enabled: false });
const hubs: PostgresPushHub[] = [];

/**
 * DDL on the test schema under the exclusive schema lock: other test files migrating their own schemas at the
 * same moment list every table of the database, and a table renamed under that listing fails their migration.
 */
async function ddl(statement: string): Promise<void> {
  await withSchemaLock(url ?? '', 'exclusive', (client) => client.query(statement));
}

/** One client on the test schema for the test's own SQL. */
async function sqlClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  return client;
}

before(async () => {
  if (url === undefined) {
    return;
  }
  const store = await withSchemaLock(url, 'shared', () =>
    openStore({ databaseUrl: url, dataDir: '.', phone: testPhone, pgSchema: schema }),
  );
  await store.close();
});

after(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  if (url !== undefined) {
    await withSchemaLock(url, 'exclusive', (client) =>
      client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
    );
  }
});

/** An instance's hub: each has its own pool and LISTEN connection, as two processes would. */
async function instance(options: Partial<PostgresPushHubOptions> = {}): Promise<PostgresPushHub> {
  const hub = await PostgresPushHub.open({ url: url ?? '', schema, log: silent, ...options });
  hubs.push(hub);
  return hub;
}

/** Empties the stream and numbering: each test starts as on a new database. */
async function reset(): Promise<void> {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  const client = await sqlClient();
  try {
    await client.query('TRUNCATE push_cards RESTART IDENTITY');
  } finally {
    await client.end();
  }
}

pushHubContract('postgres', {
  skip,
  open: async () => {
    await reset();
    return instance();
  },
  close: async (hub) => (hub as PostgresPushHub).close(),
});

async function eventually(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1_000 && !done(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(done(), `timed out waiting for ${what}`);
}

function recorder() {
  const got: PushEntry[] = [];
  return { got, listener: (entry: PushEntry) => got.push(entry), ids: () => got.map((e) => e.card.callId) };
}

const pgTest = (title: string, body: () => Promise<void>) =>
  void test(`postgres: ${title}`, { skip: skip ?? false }, async () => {
    await reset();
    await body();
  });

pgTest('a card published on one instance reaches a subscriber on another', async () => {
  const [a, b] = [await instance(), await instance()];
  const onB = recorder();
  await b.subscribe('dana@x', onB.listener);
  const fetches = b.counters.fetches;
  a.publish(['dana@x'], card('c1'));
  await eventually(() => onB.got.length === 1, 'the card on B');
  assert.equal(onB.got[0]?.card.callId, 'c1');
  assert.equal(b.counters.fetches, fetches, 'a small batch comes in the notification itself, with no query');
  assert.equal(await b.wasSent('dana@x', 'c1'), true);
  assert.deepEqual(
    (await b.recentCards('dana@x')).map((c) => c.callId),
    ['c1'],
  );
});

pgTest(
  'a browser resumes on another instance with the cursor from the first: nothing lost or repeated',
  async () => {
    const [a, b] = [await instance(), await instance()];
    const onA = recorder();
    await a.subscribe('dana@x', onA.listener);
    a.publish(['dana@x'], card('c1'));
    a.publish(['dana@x'], card('c2'));
    await eventually(() => onA.got.length === 2, 'two cards on A');
    const cursor = onA.got[1]?.cursor ?? 0;
    // The browser loses A; meanwhile two more updates, one of them from B.
    a.publish(['dana@x'], card('c3'));
    await a.recentCards('dana@x'); // written before B's update: two instances' writes have no order of their own
    b.publish(['dana@x'], card('c1', 2));
    const onB = recorder();
    const subscription = await b.subscribe('dana@x', onB.listener);
    assert.ok(subscription.cursor >= cursor, 'B’s hello is not behind the browser');
    const replay = await b.since('dana@x', cursor);
    assert.deepEqual(
      replay.map((e) => [e.card.callId, e.card.version]),
      [
        ['c3', 1],
        ['c1', 2],
      ],
    );
    a.publish(['dana@x'], card('c4'));
    await eventually(() => onB.got.length === 1, 'the live card on B');
    assert.deepEqual(onB.ids(), ['c4']);
    assert.ok((onB.got[0]?.cursor ?? 0) > Math.max(...replay.map((e) => e.cursor)));
  },
);

pgTest('versions past 32 bits (the leader epoch × 2^20) are kept and compared', async () => {
  const hub = await instance();
  const got = recorder();
  await hub.subscribe('dana@x', got.listener);
  hub.publish(['dana@x'], card('c1', 3 * 2 ** 40 + 1));
  await hub.recentCards('dana@x'); // written: the database, not the queue, compares the next one
  hub.publish(['dana@x'], card('c1', 2 * 2 ** 40 + 9));
  hub.publish(['dana@x'], card('marker'));
  await eventually(() => got.ids().includes('marker'), 'the marker');
  assert.deepEqual(
    got.got.map((e) => e.card.version),
    [3 * 2 ** 40 + 1, 1],
  );
});

pgTest('versions never go backwards, whichever instance publishes', async () => {
  const [a, b] = [await instance(), await instance()];
  const onB = recorder();
  await b.subscribe('dana@x', onB.listener);
  a.publish(['dana@x'], card('c1', 3));
  await eventually(() => onB.got.length === 1, 'version 3');
  b.publish(['dana@x'], card('c1', 2));
  a.publish(['dana@x'], card('c1', 3));
  b.publish(['dana@x'], card('marker'));
  await eventually(() => onB.ids().includes('marker'), 'the marker');
  assert.deepEqual(
    onB.got.map((e) => [e.card.callId, e.card.version]),
    [
      ['c1', 3],
      ['marker', 1],
    ],
  );
  assert.equal((await a.recentCards('dana@x')).find((c) => c.callId === 'c1')?.version, 3);
});

pgTest(
  'the LISTEN connection killed by pg_terminate_backend: it reconnects and nothing is lost',
  async () => {
    const [a, b] = [await instance(), await instance()];
    const onB = recorder();
    await b.subscribe('dana@x', onB.listener);
    a.publish(['dana@x'], card('before'));
    await eventually(() => onB.got.length === 1, 'the first card');
    const client = await sqlClient();
    try {
      const killed = await client.query('SELECT pg_terminate_backend($1) AS ok', [b.listenerPid]);
      assert.equal(killed.rows[0]?.ok, true);
    } finally {
      await client.end();
    }
    const during = Array.from({ length: 20 }, (_, i) => `during-${i}`);
    for (const id of during) {
      a.publish(['dana@x'], card(id));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await eventually(() => onB.got.length === 21, 'every card after the reconnect');
    assert.deepEqual(onB.ids(), ['before', ...during]);
    assert.equal(b.counters.listenLost, 1);
    const cursors = onB.got.map((e) => e.cursor);
    assert.deepEqual(
      cursors,
      [...cursors].sort((x, y) => x - y),
    );
  },
);

pgTest('a write that fails is counted and retried; the card arrives once the table is back', async () => {
  const hub = await instance();
  const got = recorder();
  await hub.subscribe('dana@x', got.listener);
  const client = await sqlClient();
  try {
    await ddl(`ALTER TABLE ${schema}.push_cards RENAME TO push_cards_away`);
    hub.publish(['dana@x'], card('c1'));
    hub.publish(['dana@x'], card('c2'));
    await eventually(() => hub.counters.writeFailures >= 1, 'a failed write');
    hub.publish(['dana@x'], card('c1', 2));
    await ddl(`ALTER TABLE ${schema}.push_cards_away RENAME TO push_cards`);
  } finally {
    await client.end();
  }
  await eventually(() => got.got.length === 2, 'both calls');
  assert.deepEqual(
    got.got.map((e) => [e.card.callId, e.card.version]),
    [
      ['c2', 1],
      ['c1', 2],
    ],
  );
});

pgTest('publishes in one tick become one INSERT; a notification fetches them all', async () => {
  const [a, b] = [await instance(), await instance()];
  const onB = recorder();
  await b.subscribe('dana@x', onB.listener);
  for (let i = 0; i < 300; i += 1) {
    a.publish(['dana@x', 'eli@x'], card(`c${i}`));
  }
  await eventually(() => onB.got.length === 300, '300 cards');
  assert.equal(a.counters.batches, 1);
  assert.deepEqual(
    onB.ids(),
    Array.from({ length: 300 }, (_, i) => `c${i}`),
  );
});

pgTest('a batch past one notification’s 8,000 bytes comes in several, in order, with no query', async () => {
  const [a, b] = [await instance(), await instance()];
  const onB = recorder();
  await b.subscribe('dana@x', onB.listener);
  const fetches = b.counters.fetches;
  // ~600 bytes a row as stored: 300 of them need ~25 notifications.
  for (let i = 0; i < 300; i += 1) {
    a.publish(['dana@x', 'eli@x'], card(`c${i}`));
  }
  await eventually(() => onB.got.length === 300, '300 cards');
  assert.equal(a.counters.batches, 1);
  assert.equal(b.counters.fetches, fetches, 'every part delivered from its notification');
  assert.deepEqual(
    onB.ids(),
    Array.from({ length: 300 }, (_, i) => `c${i}`),
  );
  const cursors = onB.got.map((e) => e.cursor);
  assert.deepEqual(
    cursors,
    [...cursors].sort((x, y) => x - y),
  );
});

pgTest(
  'a part holding a card too big for a notification is fetched; the parts after it are not lost',
  async () => {
    const [a, b] = [await instance(), await instance()];
    const onB = recorder();
    await b.subscribe('dana@x', onB.listener);
    const fetches = b.counters.fetches;
    const base = card('big');
    const big = { ...base, caller: { ...base.caller, name: 'x'.repeat(9_000) } };
    for (let i = 0; i < 40; i += 1) {
      a.publish(['dana@x'], i === 20 ? big : card(`c${i}`));
    }
    await eventually(() => onB.got.length === 40, '40 cards');
    assert.equal(a.counters.batches, 1);
    assert.ok(b.counters.fetches > fetches, 'the big card came by a query');
    assert.deepEqual(
      onB.ids(),
      Array.from({ length: 40 }, (_, i) => (i === 20 ? 'big' : `c${i}`)),
    );
  },
);

pgTest('pruning keeps each agent’s newest calls and drops rows past the retention', async () => {
  let now = 1_700_000_000_000;
  const hub = await instance({ capacity: 2, retentionMs: 60_000, now: () => now });
  hub.publish(['dana@x'], card('c1'));
  hub.publish(['dana@x'], card('c2'));
  hub.publish(['dana@x'], card('c3'));
  await hub.recentCards('dana@x'); // written at the first time
  now += 120_000;
  hub.publish(['eli@x'], card('c9'));
  assert.deepEqual(
    (await hub.since('dana@x', 0)).map((e) => e.card.callId),
    ['c2', 'c3'],
  );
  assert.equal(await hub.wasSent('dana@x', 'c1'), false);
  assert.equal(await hub.prune(), 3); // c1 past capacity; c2, c3 past the retention
  assert.deepEqual(await hub.recentCards('dana@x'), []);
  assert.deepEqual(
    (await hub.recentCards('eli@x')).map((c) => c.callId),
    ['c9'],
  );
});

pgTest('hostile text in a card (quotes, backslashes, SQL) is stored and delivered as written', async () => {
  const [a, b] = [await instance(), await instance()];
  const onB = recorder();
  const principal = "o'brien\\@x";
  await b.subscribe(principal, onB.listener);
  const base = card("c'1\\");
  const name = "O'Brien \\' \\\\ '); DROP TABLE push_cards; -- ✓ \u0000 $$ E'x'";
  const hostile = { ...base, caller: { ...base.caller, name } };
  a.publish([principal], hostile);
  await eventually(() => onB.got.length === 1, 'the hostile card');
  assert.deepEqual(onB.got[0]?.card, hostile);
  assert.deepEqual(await a.recentCards(principal), [hostile]);
});

pgTest('a card the database refuses is dropped and counted; the rest of its batch is written', async () => {
  const hub = await instance();
  const got = recorder();
  await hub.subscribe('dana@x', got.listener);
  const client = await sqlClient();
  try {
    await ddl(`ALTER TABLE ${schema}.push_cards ADD CONSTRAINT refused CHECK (principal <> 'refused@x')`);
    hub.publish(['bad\u0000@x', 'dana@x'], card('c1'));
    hub.publish(['dana@x'], card('odd', 1.5));
    hub.publish(['refused@x'], card('no')); // the database refuses the batch: its other rows go one by one
    hub.publish(['dana@x'], card('c2'));
    await eventually(() => got.got.length === 2, 'the good cards');
  } finally {
    await ddl(`ALTER TABLE ${schema}.push_cards DROP CONSTRAINT IF EXISTS refused`);
    await client.end();
  }
  assert.deepEqual(got.ids(), ['c1', 'c2']);
  assert.equal(hub.counters.dropped, 3);
  hub.publish(['dana@x'], card('c3'));
  await eventually(() => got.got.length === 3, 'the next batch');
});
