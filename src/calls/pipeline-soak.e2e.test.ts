// Fault soak: simulator with one fault at a time → Call Events source → tracker → SQLite call log. Every call
// must end in the state the simulator planned, without duplicate transitions, and be in the log once.
// Default: SOAK_CALLS (100) calls per fault, to stay quick; SCREENPOP_SOAK=1 runs 1,000 per fault.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../simulator/index.ts';
import type { RunningSimulator } from '../simulator/index.ts';
import {
  createCallEventsSource,
  createRealtimeSource,
  RealtimeOutages,
  SIGN_IN_SCOPES,
} from '../goto/index.ts';
import type { CallEventsSource, GoToApi, RealtimeSource } from '../goto/index.ts';
import { harness, silent, simFaults, simPat } from '../goto/testing/harness.ts';
import type { Harness } from '../goto/testing/harness.ts';
import { usPhone } from '../goto/testing/fixtures.ts';
import { waitFor } from '../goto/testing/recording-sink.ts';
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { CallTracker } from './call-tracker.ts';
import type { CallChange, CallOutcome } from './types.ts';
import { seededRandom as random } from '../util/seeded-random.ts';

const FULL = process.env['SCREENPOP_SOAK'] === '1';
const CALLS = Number(process.env['SOAK_CALLS'] ?? (FULL ? 1_000 : 100));
// 20×: a queue call lasts ~1 s of real time and a socket rebuild (~50 ms) ~1 s of simulated time, about the
// real ratio of call length to outage. Faster clocks make every outage swallow whole calls.
const TIME_SCALE = 20;
const IN_FLIGHT = 150;

interface Fault {
  readonly name: string;
  /** Which GoTo API feeds the tracker; Realtime runs one session per agent. Default Call Events. */
  readonly source?: 'call-events' | 'realtime';
  /** POST /_sim/faults body while the calls run. */
  readonly faults: Record<string, unknown>;
  /** Real ms between socket kills while the calls run; 0 = none. */
  readonly killEveryMs?: number;
  /**
   * Real ms between token expiries (401 on the next REST call); 0 = none. An expiry also waits until GoTo has
   * accepted a request since the last one: on a busy machine a round of requests outlasts the interval, and
   * tokens would die before any request could use them (GoTo's live an hour).
   */
  readonly expireTokensEveryMs?: number;
  /** Real ms between outages (socket killed, GoTo answering 5xx until it ends); 0 = none. */
  readonly outageEveryMs?: number;
  /** Real ms an outage lasts: long enough for whole calls to start and end unseen. */
  readonly outageMs?: number;
  /**
   * Shares of calls this fault may leave wrong, or ended "state unknown", with the reason (default none): the
   * test fails above them.
   */
  readonly tolerate?: {
    readonly wrong: number;
    readonly unknown: number;
    /** Calls the source never heard of at all (no card, so no wrong card): the rest must end, never stay live. */
    readonly unseen: number;
    readonly why: string;
  };
}

// Reports are ready 40 simulated s (2 s real) after a call ends; the source waits a little longer after an outage.
const REPORT_DELAY_SECONDS = 40;

// REST faults only bite when REST calls happen: those profiles also kill the socket, forcing rebuild + recovery.
const FAULTS: readonly Fault[] = [
  { name: 'no fault', faults: {} },
  { name: 'drop 5%', faults: { drop: 0.05 } },
  { name: 'duplicate 30%', faults: { duplicate: 0.3 } },
  { name: 'reorder 30%', faults: { reorder: 0.3 } },
  { name: 'socket kills', faults: {}, killEveryMs: 700 },
  // 620 s at 20×: refresh asked after 1 s, expiry 30 s later unless refreshed (the source refreshes).
  { name: 'channel expiry, refreshed', faults: { channelLifetimeSeconds: 620 } },
  // 30 s at 20× = 1.5 s: WEBSOCKET_REFRESH_REQUIRED goes out at creation, before the socket is there, so no
  // refresh happens; each channel expires (WEBSOCKET_TO_BE_CLOSED) and the source rebuilds and recovers.
  { name: 'channel expiry, not refreshed', faults: { channelLifetimeSeconds: 30 } },
  { name: '401 (tokens expired)', faults: {}, killEveryMs: 700, expireTokensEveryMs: 400 },
  { name: '429 20%', faults: { http429: 0.2 }, killEveryMs: 700 },
  { name: '5xx 20%', faults: { http5xx: 0.2 }, killEveryMs: 700 },
  // Whole calls start and end while the channel is down: only the Call Events Report knows them.
  { name: 'outages of 1.5 s', faults: {}, outageEveryMs: 3_000, outageMs: 1_500 },
  // Realtime: the simulator's drop/duplicate/reorder faults apply to notification channels only.
  { name: 'Realtime, no fault', source: 'realtime', faults: {} },
  {
    name: 'Realtime, socket kills',
    source: 'realtime',
    faults: {},
    killEveryMs: 700,
    // Frames sent while a socket is down are lost for good; the check of the lines' active calls after each
    // reconnect ends the legs that left and finds the answers still talking. What it cannot see: a call that
    // rang and ended inside an outage (never seen), an answer on a line that has already left (a transfer).
    // A call that ends unanswered after an agent was blind is marked "state unknown", not "missed": with a kill
    // every 0.7 s nearly every call spans an outage, so that share is high here.
    tolerate: {
      wrong: 0.08,
      unknown: 0.6,
      unseen: 0.5,
      why: 'whole calls inside an outage are never seen; answers on lines gone before the check are lost',
    },
  },
];

const LINES = ['2101', '2102', '2103', '2104', '2105'];
const MIX: readonly [string, number][] = [
  ['queue', 45],
  ['answered', 20],
  ['missed', 10],
  ['abandoned', 5],
  ['transfer', 5],
  ['outbound', 10],
  ['internal', 5],
];

function callBody(rand: () => number): Record<string, unknown> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  let roll = rand() * 100;
  const scenario = MIX.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'queue';
  const caller =
    rand() < 0.08
      ? 'Anonymous'
      : `+1${pick(['312', '773', '708', '630'])}55501${pick(['01', '23', '45', '67', '89'])}`;
  const talkMs = 1_000 + Math.floor(rand() * 4_000);
  const line = pick(LINES);
  switch (scenario) {
    case 'queue':
      return {
        scenario,
        from: caller,
        to: '+13125550140',
        answeredBy: pick(['2102', '2103', '2104']),
        talkMs,
      };
    case 'abandoned':
      return { scenario, from: caller, to: '+13125550140', answerAfterMs: 3_000 };
    case 'transfer':
      return { scenario, from: caller, to: line, transferTo: pick(LINES.filter((l) => l !== line)), talkMs };
    case 'outbound':
      return { scenario, from: line, to: '+16305550188', talkMs };
    case 'internal':
      return { scenario, from: line, to: pick(LINES.filter((l) => l !== line)), talkMs };
    default:
      return { scenario, from: caller, to: line, talkMs, answerAfterMs: 1_500 };
  }
}

interface Expected {
  readonly outcome: CallOutcome;
  /** Extension of the first line to answer. */
  readonly answeredBy: string | null;
}

interface Placed {
  readonly body: Record<string, unknown>;
  readonly conversationSpaceId: string;
  sim: { outcome: string; answeredBy: string | null } | null;
  /** Conversation ids of this call (the transfer's consult is a second one), from GET /_sim/calls. */
  conversations: string[];
  ended: boolean;
  /** Realtime's call id (the dialog's originatorId), from GET /_sim/calls. */
  originatorId: string;
}

/**
 * Our contract from the simulator's plan: GoTo's queue "abandoned" rang the agents, so it is missed here; a
 * transfer was answered first by the line it was sent to (the simulator names the final line); the consult
 * of a transfer is an internal call answered by the transfer target.
 */
function expectedOf(p: Placed, conversationSpaceId: string): Expected {
  const sim = p.sim!;
  const body = p.body;
  if (conversationSpaceId !== p.conversationSpaceId) {
    return { outcome: 'answered', answeredBy: body['transferTo'] as string };
  }
  switch (sim.outcome) {
    case 'abandoned':
    case 'missed':
      return { outcome: 'missed', answeredBy: null };
    case 'transferred':
      return { outcome: 'answered', answeredBy: body['to'] as string };
    default:
      return {
        outcome: 'answered',
        answeredBy: body['scenario'] === 'outbound' ? (body['from'] as string) : sim.answeredBy,
      };
  }
}

interface SimListed {
  readonly ended: boolean;
  readonly originatorId: string;
  readonly expected: { readonly outcome: string; readonly answeredBy: string | null };
  readonly conversations: readonly { readonly conversationSpaceId: string }[];
}

async function simCalls(sim: RunningSimulator): Promise<SimListed[]> {
  const response = await fetch(`${sim.url}/_sim/calls`);
  return ((await response.json()) as { items: SimListed[] }).items;
}

/** Copies the simulator's plan, conversation ids and end into `placed` (its list keeps only recent ended calls). */
async function absorb(sim: RunningSimulator, byConversation: Map<string, Placed>): Promise<void> {
  for (const call of await simCalls(sim)) {
    const first = call.conversations[0]?.conversationSpaceId;
    const placed = first === undefined ? undefined : byConversation.get(first);
    if (placed !== undefined) {
      placed.sim = call.expected;
      placed.conversations = call.conversations.map((c) => c.conversationSpaceId);
      placed.ended = call.ended;
      placed.originatorId = call.originatorId;
    }
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface SoakResult {
  readonly calls: number;
  readonly conversations: number;
  readonly seconds: number;
  readonly stuckBeforeReconcile: number;
  /** Token expiries that found a live token. */
  readonly tokenExpiries: number;
  readonly wrong: string[];
  /** Ended unanswered on a state read back after an outage: marked "state unknown", not counted wrong. */
  readonly unknown: string[];
  /** Never heard of: all its frames went while sockets were down (only tolerated where the fault says so). */
  readonly unseen: string[];
  readonly duplicates: string[];
  readonly missingInLog: string[];
  readonly stats: Readonly<Record<string, number>>;
}

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) {
    await rm(dir, { recursive: true, force: true });
  }
});

async function soak(fault: Fault): Promise<SoakResult> {
  const started = Date.now();
  const sim = await startSimulator({
    autoApprove: true,
    timeScale: TIME_SCALE,
    reportDelaySeconds: REPORT_DELAY_SECONDS,
  });
  const h: Harness = await harness(sim.url);
  const dir = await mkdtemp(join(tmpdir(), 'screenpop-soak-'));
  dirs.push(dir);
  const store: Store = await openStore({ databaseUrl: join(dir, 'soak.db'), dataDir: dir, phone: usPhone });
  // Short recovery grace and gap wait keep the soak quick; the defaults are 2 s and 30 s. The gap wait bounds how
  // long an ended call takes the states a gap fetch brings: on a busy machine, with token refreshes and retries,
  // a fetch can outlast 3 s (an answered call then ended missed); it only delays the final write of a call whose
  // holes never fill.
  const tracker = new CallTracker({
    callLog: store.callLog,
    logger: silent,
    logRetryBaseMs: 20,
    recoveryGraceMs: 200,
    gapWaitMs: 15_000,
  });
  const changes = new Map<string, CallChange[]>();
  tracker.onChange((c) => {
    const list = changes.get(c.call.id) ?? [];
    list.push(c);
    changes.set(c.call.id, list);
  });
  const sources: (CallEventsSource | RealtimeSource)[] = [];
  const timers: NodeJS.Timeout[] = [];
  const realtime = fault.source === 'realtime';
  /** Requests GoTo accepted from the Call Events source since the last token expiry. */
  let accepted = 0;
  let tokenExpiries = 0;
  try {
    // A channel lifetime applies to channels created after it is set.
    const { channelLifetimeSeconds, ...rest } = fault.faults;
    if (channelLifetimeSeconds !== undefined) {
      await simFaults(sim.url, { channelLifetimeSeconds });
    }
    if (realtime) {
      const outages = new RealtimeOutages();
      for (const user of sim.directory.users.filter((u) => u.lineIds.length > 0)) {
        const source = createRealtimeSource({
          api: h.api(await h.signIn(user.email, user.userKey, SIGN_IN_SCOPES), 6),
          lineIds: null,
          accountKey: null,
          phone: usPhone,
          logger: silent,
          reconnect: { baseMs: 20, maxMs: 200 },
          outages,
        });
        sources.push(source);
        await source.start(tracker);
      }
    } else {
      const admin = await h.manager('admin');
      await admin.setTokens(await h.oauth.exchangePersonalAccessToken(simPat));
      const source = createCallEventsSource({
        api: counting(h.api(admin, 6), () => accepted++),
        accountKey: null,
        phone: usPhone,
        logger: silent,
        pingIntervalMs: 500,
        reconnect: { baseMs: 20, maxMs: 200 },
        reconcileIntervalMs: 500,
        recoveryRetry: { baseMs: 20, maxMs: 200, attempts: 4 },
        // GoTo's (the simulator's) clock runs 20× ours: a generous window end, in its time.
        reports: {
          delayMs: (REPORT_DELAY_SECONDS * 1000) / TIME_SCALE + 500,
          attempts: 6,
          marginMs: 60_000,
          clockSlackMs: 3_600_000,
        },
      });
      sources.push(source);
      await source.start(tracker);
    }
    await simFaults(sim.url, rest);
    if ((fault.killEveryMs ?? 0) > 0) {
      timers.push(setInterval(() => void simFaults(sim.url, { closeSockets: true }), fault.killEveryMs));
    }
    if ((fault.outageEveryMs ?? 0) > 0) {
      const outage = async (): Promise<void> => {
        await simFaults(sim.url, { http5xx: 1, closeSockets: true });
        timers.push(setTimeout(() => void simFaults(sim.url, { http5xx: 0 }), fault.outageMs));
      };
      timers.push(setTimeout(() => void outage(), 300)); // the default run lasts only a few seconds
      timers.push(setInterval(() => void outage(), fault.outageEveryMs));
    }
    if ((fault.expireTokensEveryMs ?? 0) > 0) {
      let expiring = false;
      const expire = async (): Promise<void> => {
        if (expiring || accepted === 0) {
          return;
        }
        expiring = true;
        const answer = (await simFaults(sim.url, { expireTokens: true })) as { expiredTokens?: number };
        tokenExpiries += (answer.expiredTokens ?? 0) > 0 ? 1 : 0;
        accepted = 0; // only requests answered after the expiry count towards the next one
        expiring = false;
      };
      timers.push(setInterval(() => void expire(), fault.expireTokensEveryMs));
    }
    const rand = random(20_260_310);
    const byConversation = new Map<string, Placed>();
    let inFlight = 0;
    let failed = 0;
    for (let i = 0; i < CALLS; i++) {
      while (inFlight >= IN_FLIGHT) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        await absorb(sim, byConversation);
        inFlight = [...byConversation.values()].filter((p) => !p.ended).length;
      }
      const body = callBody(rand);
      const response = await fetch(`${sim.url}/_sim/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { conversationSpaceId?: string };
      if (response.status !== 201 || json.conversationSpaceId === undefined) {
        failed++;
        continue;
      }
      byConversation.set(json.conversationSpaceId, {
        body,
        conversationSpaceId: json.conversationSpaceId,
        sim: null,
        conversations: [],
        ended: false,
        originatorId: '',
      });
      inFlight++;
    }
    assert.equal(failed, 0, 'every call was placed');
    // Every call ended in the simulator.
    await until(
      'the simulator to finish every call',
      async () => {
        await absorb(sim, byConversation);
        return [...byConversation.values()].every((p) => p.ended);
      },
      60_000,
    );
    for (const timer of timers.splice(0)) {
      clearInterval(timer);
    }
    await simFaults(sim.url, { reset: true });
    // Realtime names a call by its originatorId and is checked on the caller's conversation only.
    const checks = [...byConversation.values()].flatMap((p) =>
      realtime
        ? [{ placed: p, id: p.originatorId, expected: expectedOf(p, p.conversationSpaceId) }]
        : p.conversations.map((id) => ({ placed: p, id, expected: expectedOf(p, id) })),
    );
    const ids = checks.map((c) => c.id);
    // Let in-flight deliveries and gap fetches land, then count calls the tracker still thinks live.
    await waitFor('the sources to settle', () => sources.every((s) => s.connected), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stuck = ids.filter((id) => tracker.get(id)?.phase !== 'ended' && !endedByLog(changes, id));
    if (stuck.length > 0) {
      // A lost ENDING is found by the periodic reconciliation; a call hidden by an outage by the report
      // summaries queried once reports are ready; a lost Realtime withdraw by the check after the reconnect.
      // Generous: on a busy machine, with tokens expiring every 0.4 s, the report reads retry for a while.
      await waitFor('the reconciliation', () => ids.every((id) => endedByLog(changes, id)), 60_000).catch(
        () => {},
      );
    }
    await tracker.flush();
    const wrong: string[] = [];
    const unknown: string[] = [];
    const unseen: string[] = [];
    const duplicates: string[] = [];
    const missingInLog: string[] = [];
    for (const { placed, id, expected } of checks) {
      const list = changes.get(id) ?? [];
      const last = list.at(-1)?.call;
      const got = {
        outcome: last?.phase === 'ended' ? last.outcome : `live:${last?.phase ?? 'unknown'}`,
        answeredBy: last?.answeredBy == null ? null : extension(sim, last.answeredBy),
      };
      if (last === undefined && (fault.tolerate?.unseen ?? 0) > 0) {
        unseen.push(`${String(placed.body['scenario'])} ${id}`);
      } else if (last?.phase === 'ended' && last.outcomeUnknown === true) {
        unknown.push(`${String(placed.body['scenario'])} ${id}: ${JSON.stringify(expected)}`);
      } else if (got.outcome !== expected.outcome || got.answeredBy !== expected.answeredBy) {
        const how = list.at(-1)?.reasons.at(-1) ?? 'never seen';
        wrong.push(
          `${String(placed.body['scenario'])} ${id}: ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)} (${how})`,
        );
      }
      const problem = duplicateTransition(list);
      if (problem !== null) {
        duplicates.push(`${id}: ${problem}`);
      }
      // Every call the tracker ended is in the log, as it ended (calls it never ended count as wrong above).
      const logged = await store.callLog.get(id);
      if (last?.phase === 'ended' && (logged === null || logged.outcome !== last.outcome)) {
        missingInLog.push(`${id}: ${logged === null ? 'absent' : logged.outcome}`);
      }
    }
    return {
      calls: byConversation.size,
      conversations: ids.length,
      seconds: (Date.now() - started) / 1000,
      stuckBeforeReconcile: stuck.length,
      tokenExpiries,
      wrong,
      unknown,
      unseen,
      duplicates,
      missingInLog,
      stats: sumStats(sources),
    };
  } finally {
    for (const timer of timers) {
      clearInterval(timer);
    }
    for (const source of sources) {
      await source.stop();
    }
    await tracker.flush();
    await store.close();
    await sim.close();
    await h.cleanup();
  }
}

/** `api`, calling `onAccepted` for every request GoTo answered with a 2xx. */
function counting(api: GoToApi, onAccepted: () => void): GoToApi {
  return {
    urls: api.urls,
    url: (host, path, query) => api.url(host, path, query),
    request: async (method, url, options) => {
      const response = await api.request(method, url, options);
      onAccepted();
      return response;
    },
  };
}

function sumStats(sources: readonly (CallEventsSource | RealtimeSource)[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const source of sources) {
    for (const [key, value] of Object.entries(source.stats)) {
      sum[key] = (sum[key] ?? 0) + value;
    }
  }
  return sum;
}

function endedByLog(changes: Map<string, CallChange[]>, id: string): boolean {
  return changes.get(id)?.at(-1)?.call.phase === 'ended';
}

function extension(sim: RunningSimulator, lineId: string): string {
  return sim.directory.lines.find((l) => l.id === lineId)?.extension ?? lineId;
}

/** Versions must count 1, 2, 3…; created, answered and ended once; a line never "changes" to its own state. */
function duplicateTransition(list: readonly CallChange[]): string | null {
  const reasons = list.flatMap((c) => c.reasons);
  for (const once of ['created', 'answered', 'ended']) {
    if (reasons.filter((r) => r === once).length > 1) {
      return `${once} twice`;
    }
  }
  for (const [i, change] of list.entries()) {
    if (change.call.version !== i + 1) {
      return `version ${change.call.version} at change ${i + 1}`;
    }
  }
  const lineState = new Map<string, string>();
  for (const reason of reasons) {
    const leg = /^leg:(.+):(\w+)$/.exec(reason);
    if (leg !== null) {
      if (lineState.get(leg[1]!) === leg[2]) {
        return `${reason} repeated`;
      }
      lineState.set(leg[1]!, leg[2]!);
    }
  }
  return null;
}

for (const fault of FAULTS) {
  test(`soak, ${fault.name}: every call ends as planned, once, and is in the call log`, async (t) => {
    const result = await soak(fault);
    t.diagnostic(
      `soak ${fault.name}: ${result.calls} calls (${result.conversations} conversations) in ${result.seconds.toFixed(1)} s; ` +
        `live at settle ${result.stuckBeforeReconcile}; wrong ${result.wrong.length}; ` +
        `state unknown ${result.unknown.length}; never seen ${result.unseen.length}; ` +
        `token expiries ${result.tokenExpiries}; ` +
        `duplicate transitions ${result.duplicates.length}; not in log ${result.missingInLog.length}; ` +
        `source ${JSON.stringify(result.stats)}` +
        (result.wrong.length > 0 ? `; first wrong: ${result.wrong.slice(0, 10).join('; ')}` : ''),
    );
    if ((fault.expireTokensEveryMs ?? 0) > 0) {
      assert.ok(result.tokenExpiries >= 1, 'tokens expired while the calls ran');
    }
    assert.deepEqual(result.duplicates.slice(0, 10), [], 'duplicate transitions');
    assert.deepEqual(result.missingInLog.slice(0, 10), [], 'ended calls missing from the log');
    if (fault.source !== 'realtime') {
      assert.equal(
        result.stats['reportSubscriptionFailures'],
        0,
        'REPORT_SUMMARY subscribed on every channel',
      );
    }
    const tolerate = fault.tolerate ?? { wrong: 0, unknown: 0, unseen: 0, why: '' };
    if (tolerate.wrong === 0) {
      assert.deepEqual(result.wrong.slice(0, 10), [], 'calls in the wrong final state');
    } else {
      assert.ok(
        result.wrong.length <= Math.floor(result.conversations * tolerate.wrong),
        `at most ${tolerate.wrong * 100}% wrong (${tolerate.why}): ${result.wrong.slice(0, 5).join('; ')}`,
      );
    }
    assert.ok(
      result.unseen.length <= Math.floor(result.conversations * tolerate.unseen),
      `at most ${tolerate.unseen * 100}% never seen: ${result.unseen.slice(0, 5).join('; ')}`,
    );
    assert.ok(
      result.unknown.length <= Math.floor(result.conversations * tolerate.unknown),
      `at most ${tolerate.unknown * 100}% "state unknown": ${result.unknown.slice(0, 5).join('; ')}`,
    );
  });
}
