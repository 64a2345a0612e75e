// Several real screenpop processes on one PostgreSQL database and one simulator process (issue 11): one leader
// ingests, the others follow; kill -9 and SIGTERM hand the account over; agents, sessions and sign-ins are shared.
// Skipped, with the reason printed, when TEST_DATABASE_URL is not set.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ServerMessage } from '../../src/shared/messages.ts';
import { USERS, placeCall, pushClient, signInOverHttp } from './harness.ts';
import {
  freshDatabase,
  leadsAfter,
  oneLeader,
  sleep,
  startInstance,
  startSimulatorProcess,
} from './instances.ts';
import type { Instance, SimProcess } from './instances.ts';

const baseUrl = process.env['TEST_DATABASE_URL'] || undefined;
const skip =
  baseUrl === undefined
    ? 'TEST_DATABASE_URL is not set: no PostgreSQL to run several instances on'
    : undefined;
if (skip !== undefined) {
  console.warn(`several instances: skipped (${skip})`);
}
let sim: SimProcess | null = null;
const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  if (skip === undefined) {
    sim = await startSimulatorProcess();
  }
});

// Each test's instances go before the next test starts: a leader left running would ingest its calls too.
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup().catch(() => undefined);
  }
});

after(async () => {
  await sim?.stop();
});

/** A fresh database and `names` instances on it, started together; all stopped and dropped after the test. */
async function cluster(
  names: readonly string[],
  env: Record<string, string> = {},
): Promise<{ url: string; instances: Instance[] }> {
  const db = await freshDatabase(baseUrl ?? '');
  const instances: Instance[] = [];
  cleanups.push(async () => {
    await Promise.all(instances.map((i) => i.stop('SIGKILL')));
    await db.drop();
  });
  const started = await Promise.all(
    names.map((name) => startInstance({ name, databaseUrl: db.url, simUrl: sim?.url ?? '', env })),
  );
  instances.push(...started);
  return { url: db.url, instances };
}

async function addInstance(
  dbUrl: string,
  all: Instance[],
  name: string,
  env: Record<string, string> = {},
): Promise<Instance> {
  const instance = await startInstance({ name, databaseUrl: dbUrl, simUrl: sim?.url ?? '', env });
  all.push(instance);
  return instance;
}

test(
  '3 instances starting at once all migrate; started and stopped in any order, exactly one leads',
  { skip, timeout: 180_000 },
  async (t) => {
    const { url, instances } = await cluster(['a', 'b', 'c']);
    const first = await oneLeader(instances);
    const epochs = [(await first.role())?.epoch ?? 0];

    // SIGTERM of the leader: it releases the lease; a follower takes over at its next poll, not after the TTL.
    const rest = instances.filter((i) => i !== first);
    const terminated = performance.now();
    await first.stop('SIGTERM');
    const second = await oneLeader(rest);
    t.diagnostic(
      `SIGTERM handover: ${Math.round(performance.now() - terminated)} ms from the signal to a new leader`,
    );
    epochs.push((await second.role())?.epoch ?? 0);

    // A newcomer joins as a follower; a follower leaving changes nothing.
    const live = [...rest];
    const d = await addInstance(url, live, 'd');
    assert.equal((await d.role())?.leader, false, 'a newcomer follows while a leader renews');
    const follower = live.find((i) => i !== second && i !== d) as Instance;
    await follower.stop('SIGTERM');
    const stillLeading = await oneLeader(live.filter((i) => i !== follower));
    assert.equal(stillLeading, second, 'a follower leaving does not move the lease');

    // A frozen leader (kill -STOP keeps its connections open): its lease runs out, d takes it; woken up, the
    // old leader finds its own deadline passed and follows.
    const frozen = performance.now();
    second.process.kill('SIGSTOP');
    const afterFreeze = await leadsAfter(d, frozen);
    t.diagnostic(`frozen leader: ${Math.round(afterFreeze)} ms from kill -STOP to the new leader`);
    epochs.push((await d.role())?.epoch ?? 0);
    second.process.kill('SIGCONT');
    await sleep(1_500);
    assert.equal(await oneLeader([second, d]), d, 'the woken ex-leader follows');

    // kill -9 of the leader: the lease runs out by the database clock and the last follower takes it.
    const killed = performance.now();
    await d.stop('SIGKILL');
    const takeover = await leadsAfter(second, killed);
    t.diagnostic(`kill -9 takeover (idle): ${Math.round(takeover)} ms from the kill to the new leader`);
    epochs.push((await second.role())?.epoch ?? 0);
    assert.deepEqual(
      [...epochs].sort((x, y) => x - y),
      epochs,
      `every new leader has a higher epoch: ${epochs.join(' < ')}`,
    );
    assert.equal(new Set(epochs).size, epochs.length);
  },
);

function cardsOf(messages: readonly ServerMessage[]) {
  return messages.flatMap((m) => (m.type === 'card' ? [m.card] : []));
}

test(
  'kill -9 of the leader mid-traffic: every call reaches the agent on the survivor, once, and is logged once',
  { skip, timeout: 240_000 },
  async (t) => {
    const { url, instances } = await cluster(['a']);
    const [a] = instances as [Instance];
    await oneLeader([a]);
    const b = await addInstance(url, instances, 'b');
    assert.equal((await b.role())?.leader, false);
    const marcus = pushClient(b, await signInOverHttp(b, USERS.marcus));
    await marcus.opened;

    // A call every 100 ms to Marcus's line, each ringing 1.5 s and talking 9 s: all are still live when the
    // survivor takes over, so each must reach Marcus through it and be written to the call log once.
    const calls: string[] = [];
    let placing = true;
    const traffic = (async () => {
      for (let n = 0; placing && n < 150; n++) {
        const from = `+1708555${String(2000 + n).padStart(4, '0')}`;
        calls.push(
          await placeCall(b, { scenario: 'answered', from, to: '2102', answerAfterMs: 1_500, talkMs: 9_000 }),
        );
        await sleep(100);
      }
    })();
    await sleep(2_000);
    const killed = performance.now();
    await a.stop('SIGKILL');
    const takeover = await leadsAfter(b, killed);
    t.diagnostic(`kill -9 takeover mid-traffic: ${Math.round(takeover)} ms from the kill to the new leader`);
    await sleep(2_000);
    placing = false;
    await traffic;

    const ended = (callId: string) =>
      cardsOf(marcus.messages).some((c) => c.callId === callId && c.phase === 'ended');
    const deadline = performance.now() + 60_000;
    while (!calls.every(ended) && performance.now() < deadline) {
      await sleep(200);
    }
    const missing = calls.filter((id) => !ended(id));
    assert.deepEqual(
      missing,
      [],
      `${missing.length} of ${calls.length} calls never reached Marcus on b as ended`,
    );

    // No card twice, and a call's versions only go up on the screen.
    const cards = cardsOf(marcus.messages);
    const seen = new Set<string>();
    const last = new Map<string, number>();
    for (const card of cards) {
      const key = `${card.callId}@${card.version}`;
      assert.ok(!seen.has(key), `card ${key} delivered twice`);
      seen.add(key);
      assert.ok(
        (last.get(card.callId) ?? 0) < card.version,
        `${card.callId}: version went back to ${card.version}`,
      );
      last.set(card.callId, card.version);
    }

    // Each call once in the call log, answered.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const deadlineLog = performance.now() + 20_000;
      let rows: { call_id: string; outcome: string }[] = [];
      while (performance.now() < deadlineLog) {
        rows = (
          await client.query<{ call_id: string; outcome: string }>(
            'SELECT call_id, outcome FROM call_log WHERE call_id = ANY($1)',
            [calls],
          )
        ).rows;
        if (rows.length >= calls.length) {
          break;
        }
        await sleep(250);
      }
      const perCall = new Map<string, number>();
      for (const row of rows) {
        perCall.set(row.call_id, (perCall.get(row.call_id) ?? 0) + 1);
      }
      assert.deepEqual(
        calls.filter((id) => perCall.get(id) !== 1),
        [],
        'every call exactly once in the call log',
      );
      assert.deepEqual(
        rows.filter((r) => r.outcome !== 'answered').map((r) => `${r.call_id}:${r.outcome}`),
        [],
      );
    } finally {
      await client.end();
    }
    marcus.socket.close();
    t.diagnostic(`${calls.length} calls, ${cards.length} cards on b's socket, none repeated`);
  },
);

test(
  'a sign-in started on one instance completes on another; the session works on both',
  { skip, timeout: 180_000 },
  async () => {
    const { instances } = await cluster(['a', 'b']);
    const [a, b] = instances as [Instance, Instance];
    const login = await fetch(`${a.url}/auth/login`, { redirect: 'manual' });
    const loginCookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    let location = login.headers.get('location') ?? '';
    while (!location.includes('/login?')) {
      const next = await fetch(new URL(location, a.simUrl), { redirect: 'manual' });
      location = next.headers.get('location') ?? '';
    }
    const service = new URL(location, a.simUrl).searchParams.get('service') ?? '';
    const form = await fetch(`${a.simUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ service, user: USERS.helena }),
    });
    // The callback names a's address; behind one public URL a proxy may send it to any instance: here, b.
    const callback = new URL(form.headers.get('location') ?? '');
    assert.equal(callback.origin, a.url);
    const done = await fetch(`${b.url}${callback.pathname}${callback.search}`, {
      redirect: 'manual',
      headers: { cookie: loginCookie },
    });
    const session = done.headers.getSetCookie().find((c) => c.startsWith('screenpop_session='));
    assert.ok(
      session !== undefined,
      `b completed the sign-in: ${done.status} ${done.headers.get('location')}`,
    );
    const cookie = session.split(';')[0] ?? '';
    for (const instance of [a, b]) {
      const me = await fetch(`${instance.url}/api/me`, { headers: { cookie } });
      assert.equal(me.status, 200, `the session works on ${instance.name}`);
      assert.match(await me.text(), /helena/);
    }
  },
);

test(
  'an agent signed in on b gets the card of a call ingested by a: ringing → connected → ended',
  { skip, timeout: 180_000 },
  async () => {
    const { url, instances } = await cluster(['a']);
    const [a] = instances as [Instance];
    await oneLeader([a]);
    const b = await addInstance(url, instances, 'b');
    assert.equal((await b.role())?.leader, false, 'b follows: a ingests');
    const helena = pushClient(b, await signInOverHttp(b, USERS.helena));
    await helena.opened;
    await sleep(500); // the sign-in notice reaches the leader
    const callId = await placeCall(b, {
      scenario: 'answered',
      from: '+19175552077',
      to: '2103',
      answerAfterMs: 500,
      talkMs: 500,
    });
    const deadline = performance.now() + 20_000;
    const phases = () => [
      ...new Set(cardsOf(helena.messages).flatMap((c) => (c.callId === callId ? [c.phase] : []))),
    ];
    while (!phases().includes('ended') && performance.now() < deadline) {
      await sleep(100);
    }
    assert.deepEqual(phases(), ['ringing', 'connected', 'ended']);
    helena.socket.close();
  },
);

test(
  'an agent signed in on a follower is routed by the leader; notes saved through the follower reach the card',
  { skip, timeout: 180_000 },
  async () => {
    const { url, instances } = await cluster(['a']);
    const [a] = instances as [Instance];
    await oneLeader([a]);
    const b = await addInstance(url, instances, 'b');
    // Signed in on b after a loaded its agents: a hears of Tomasz only through the sign-in notice.
    const cookie = await signInOverHttp(b, USERS.tomasz);
    const tomasz = pushClient(a, cookie); // sessions are shared: the socket lands on the leader
    await tomasz.opened;
    await sleep(500);
    const callId = await placeCall(b, {
      scenario: 'answered',
      from: '+19175552078',
      to: '2104',
      answerAfterMs: 300,
      talkMs: 300,
    });
    const cardsOfCall = () => cardsOf(tomasz.messages).filter((c) => c.callId === callId);
    const deadline = performance.now() + 20_000;
    while (!cardsOfCall().some((c) => c.phase === 'ended') && performance.now() < deadline) {
      await sleep(100);
    }
    assert.ok(
      cardsOfCall().some((c) => c.phase === 'ended'),
      'the leader routed the call to Tomasz',
    );

    // The leader wrote the call; Tomasz saves notes through b.
    while (performance.now() < deadline) {
      const logged = await fetch(`${b.url}/api/calls/${callId}`, { headers: { cookie } });
      await logged.arrayBuffer();
      if (logged.ok) {
        break;
      }
      await sleep(100);
    }
    const saved = await fetch(`${b.url}/api/calls/${callId}/notes`, {
      method: 'PUT',
      headers: { cookie, origin: b.url, 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'saved through b', disposition: 'resolved' }),
    });
    assert.equal(saved.status, 200, await saved.text());
    while (!cardsOfCall().some((c) => c.notes?.text === 'saved through b') && performance.now() < deadline) {
      await sleep(100);
    }
    const withNotes = cardsOfCall().find((c) => c.notes?.text === 'saved through b');
    assert.equal(withNotes?.notes?.disposition, 'resolved', 'the card on a shows the notes saved on b');
    tomasz.socket.close();
  },
);

/** The simulator's count of open Realtime sessions (one per agent line subscribed). */
async function realtimeLines(): Promise<number> {
  const status = (await (await fetch(`${sim?.url ?? ''}/_sim/traffic`)).json()) as { realtimeLines: number };
  return status.realtimeLines;
}

async function until(what: string, probe: () => Promise<boolean>, boundMs = 20_000): Promise<void> {
  const deadline = performance.now() + boundMs;
  while (!(await probe())) {
    if (performance.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(100);
  }
}

test(
  'Realtime mode: the leader alone owns an agent signed in on a follower; the session moves when the leader dies',
  { skip, timeout: 180_000 },
  async () => {
    const realtime = { GOTO_EVENT_SOURCE: 'realtime' };
    const { url, instances } = await cluster(['a'], realtime);
    const [a] = instances as [Instance];
    await oneLeader([a]);
    const b = await addInstance(url, instances, 'b', realtime);
    const marcus = pushClient(b, await signInOverHttp(b, USERS.marcus));
    await marcus.opened;
    // b follows: the sign-in notice makes a, not b, open Marcus's session.
    await until('one Realtime session (the leader’s)', async () => (await realtimeLines()) === 1);
    await sleep(1_000);
    assert.equal(await realtimeLines(), 1, 'exactly one instance holds the session');

    await a.stop('SIGKILL');
    await leadsAfter(b, performance.now());
    await until('the session reopened by the new leader', async () => (await realtimeLines()) === 1);
    await sleep(500);
    // Realtime calls carry their own ids (not the conversation space's): the card is found by its caller.
    const caller = '+19175552079';
    await placeCall(b, { scenario: 'answered', from: caller, to: '2102', answerAfterMs: 300, talkMs: 300 });
    const deadline = performance.now() + 20_000;
    const ended = () => cardsOf(marcus.messages).some((c) => c.caller.e164 === caller && c.phase === 'ended');
    while (!ended() && performance.now() < deadline) {
      await sleep(100);
    }
    assert.ok(ended(), 'the new leader’s session brought the call to Marcus on b');
    assert.equal(await realtimeLines(), 1);
    marcus.socket.close();
  },
);
