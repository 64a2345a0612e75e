// A kill -9 mid-traffic, then a fresh process on the same database: every call that ended is in the call log.
// Issue 13: calls that ended in the last second before the kill were still in their settle wait, unwritten; the
// next process never hears of them (GoTo lists only live calls, and their report summaries went to the dead
// process's channel). The tracker now writes a call as soon as it ends.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../simulator/index.ts';
import { createCallEventsSource } from '../goto/index.ts';
import type { CallEventsSource, CatchUpSettings } from '../goto/index.ts';
import { harness, silent, simPat } from '../goto/testing/harness.ts';
import type { Harness } from '../goto/testing/harness.ts';
import { usPhone } from '../goto/testing/fixtures.ts';
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { CallTracker } from './call-tracker.ts';
import type { CallLogWriter } from './ports.ts';

const TIME_SCALE = 20;
// Reports are ready 2 s (real) after a call ends; the second process starts later than that.
const REPORT_DELAY_SECONDS = 40;
const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) {
    await rm(dir, { recursive: true, force: true });
  }
});

interface SimCall {
  readonly ended: boolean;
  readonly conversations: readonly { readonly conversationSpaceId: string }[];
}

async function simCalls(url: string): Promise<SimCall[]> {
  const response = await fetch(`${url}/_sim/calls`);
  return ((await response.json()) as { items: SimCall[] }).items;
}

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function source(h: Harness, catchUp?: CatchUpSettings): Promise<CallEventsSource> {
  const admin = await h.manager('admin');
  await admin.setTokens(await h.oauth.exchangePersonalAccessToken(simPat));
  return createCallEventsSource({
    api: h.api(admin, 6),
    accountKey: null,
    phone: usPhone,
    logger: silent,
    reconnect: { baseMs: 20, maxMs: 200 },
    recoveryRetry: { baseMs: 20, maxMs: 200, attempts: 4 },
    reports: {
      delayMs: (REPORT_DELAY_SECONDS * 1000) / TIME_SCALE + 500,
      attempts: 6,
      marginMs: 60_000,
      clockSlackMs: 3_600_000,
    },
    ...(catchUp === undefined ? {} : { catchUp }),
  });
}

/** The composition root's catch-up settings (src/app/screenpop.ts) over this store, into `pastCalls`. */
function catchUpFrom(store: Store, pastCalls: CallTracker): CatchUpSettings {
  return {
    newestLogged: async () => (await store.callLog.list({ limit: 1 }))[0]?.startedAt ?? null,
    logged: async (callId) => (await store.callLog.get(callId)) !== null,
    sink: pastCalls,
  };
}

async function placeCalls(simUrl: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const body =
      i % 2 === 0
        ? { scenario: 'queue', from: '+13125550123', to: '+13125550140', answeredBy: '2102', talkMs: 1_500 }
        : { scenario: 'answered', from: '+17735550145', to: '2103', talkMs: 1_000, answerAfterMs: 1_500 };
    const response = await fetch(`${simUrl}/_sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 201);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function conversationIds(simUrl: string): Promise<string[]> {
  return (await simCalls(simUrl)).flatMap((c) => c.conversations.map((v) => v.conversationSpaceId));
}

async function unlogged(store: Store, simUrl: string): Promise<string[]> {
  const ids = await conversationIds(simUrl);
  const out: string[] = [];
  for (const id of ids) {
    if ((await store.callLog.get(id)) === null) {
      out.push(id);
    }
  }
  return out;
}

test('calls that ended just before a kill -9 are in the call log after the restart', async () => {
  const sim = await startSimulator({
    autoApprove: true,
    timeScale: TIME_SCALE,
    reportDelaySeconds: REPORT_DELAY_SECONDS,
  });
  const h = await harness(sim.url);
  const dir = await mkdtemp(join(tmpdir(), 'screenpop-restart-'));
  dirs.push(dir);
  const store = await openStore({ databaseUrl: join(dir, 'log.db'), dataDir: dir, phone: usPhone });
  try {
    // The first process. Its settle time is long so that every call is inside it at the kill (by default only
    // the last second's are), and nothing it would write after the kill reaches the database.
    let dead = false;
    const firstLog: CallLogWriter = {
      writeEndedCall: async (call) => {
        if (!dead) {
          await store.callLog.writeEndedCall(call);
        }
      },
    };
    const first = new CallTracker({ callLog: firstLog, logger: silent, settleMs: 60_000 });
    const firstSource = await source(h);
    await firstSource.start(first);
    await placeCalls(sim.url, 20);
    await until(
      'the first calls to end',
      async () => (await simCalls(sim.url)).every((c) => c.ended),
      30_000,
    );
    await until(
      'the first process to see them end',
      () => first.calls().every((c) => c.phase === 'ended'),
      10_000,
    );
    assert.ok(first.calls().length >= 20);
    dead = true; // kill -9: no close, no flush
    await firstSource.stop();
    void first.close(); // only ends its timers here: what it writes now reaches nothing
    // Down past the report delay: the ended calls' summaries go to a channel nobody reads.
    await new Promise((resolve) => setTimeout(resolve, (REPORT_DELAY_SECONDS * 1000) / TIME_SCALE + 500));

    const second = new CallTracker({ callLog: store.callLog, logger: silent });
    const secondSource = await source(h);
    await secondSource.start(second);
    await placeCalls(sim.url, 20);
    await until('every call to end', async () => (await simCalls(sim.url)).every((c) => c.ended), 30_000);
    await until(
      'every call in the log',
      async () => (await unlogged(store, sim.url)).length === 0,
      20_000,
    ).catch(() => {});
    const missing = await unlogged(store, sim.url);
    await secondSource.stop();
    await second.close();
    assert.deepEqual(missing, [], `${missing.length} calls not in the call log`);
  } finally {
    await store.close();
    await sim.close();
    await h.cleanup();
  }
});

test('calls that started and ended while screenpop was down are in the call log after the start, with no card', async () => {
  const sim = await startSimulator({
    autoApprove: true,
    timeScale: TIME_SCALE,
    reportDelaySeconds: REPORT_DELAY_SECONDS,
  });
  const h = await harness(sim.url);
  const dir = await mkdtemp(join(tmpdir(), 'screenpop-restart-'));
  dirs.push(dir);
  const store = await openStore({ databaseUrl: join(dir, 'log.db'), dataDir: dir, phone: usPhone });
  try {
    // The first run: a few calls, logged, then a clean stop.
    const first = new CallTracker({ callLog: store.callLog, logger: silent });
    const firstPast = new CallTracker({ callLog: store.callLog, logger: silent });
    const firstSource = await source(h, catchUpFrom(store, firstPast));
    await firstSource.start(first);
    await placeCalls(sim.url, 4);
    await until(
      'the first calls to be logged',
      async () => (await unlogged(store, sim.url)).length === 0,
      30_000,
    );
    await firstSource.stop();
    await first.close();
    await firstPast.close();
    const before = new Set(await conversationIds(sim.url));

    // Down: calls start and end with nobody listening (their summaries go to a deleted channel).
    await placeCalls(sim.url, 12);
    await until(
      'the calls made while down to end',
      async () => (await simCalls(sim.url)).every((c) => c.ended),
      30_000,
    );
    const whileDown = (await conversationIds(sim.url)).filter((id) => !before.has(id));
    assert.ok(whileDown.length >= 12);

    // The next start catches up from the Call Events Report: every call is logged, and none reached the live
    // tracker (whose changes are what pops turns into cards).
    const live = new CallTracker({ callLog: store.callLog, logger: silent });
    const heardLive = new Set<string>();
    live.onChange(({ call }) => heardLive.add(call.id));
    const past = new CallTracker({ callLog: store.callLog, logger: silent });
    const secondSource = await source(h, catchUpFrom(store, past));
    await secondSource.start(live);
    await until(
      'every call in the log',
      async () => (await unlogged(store, sim.url)).length === 0,
      30_000,
    ).catch(() => {});
    const missing = await unlogged(store, sim.url);
    await secondSource.stop();
    await live.close();
    await past.close();
    assert.deepEqual(missing, [], `${missing.length} calls made while down not in the call log`);
    for (const id of whileDown) {
      const row = await store.callLog.get(id);
      assert.ok(row !== null && row.outcome !== null, `${id} logged with its outcome`);
    }
    assert.deepEqual(
      whileDown.filter((id) => heardLive.has(id)),
      [],
      'calls that were over before the start gave no card',
    );
  } finally {
    await store.close();
    await sim.close();
    await h.cleanup();
  }
});
