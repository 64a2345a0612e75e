// End-to-end fault soak, counted at the agents' push sockets: simulator faults → screenpop's GoTo client (Call
// Events) → tracker → lookup → pops → server → each signed-in agent's push WebSocket over loopback. Every call
// that rang an agent's line must give that agent a card, end in the planned state, and never arrive twice or
// with an older version; no agent gets another's call.
// Default: SOAK_CALLS (100) calls per fault; SCREENPOP_SOAK=1 runs 1,000 per fault (as the pipeline soak).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { USERS, placeCall, pushClient, signInOverHttp } from './harness.ts';
import { startSoakStack } from './soak-stack.ts';
import type { Card } from '../../src/shared/messages.ts';
import { seededRandom as random } from '../../src/util/seeded-random.ts';
import { takesPart } from '../../src/pops/audience.ts';

const FULL = process.env['SCREENPOP_SOAK'] === '1';
const CALLS = Number(process.env['SOAK_CALLS'] ?? (FULL ? 1_000 : 100));
// As the pipeline soak: a call lasts about a second of real time, a socket rebuild about a simulated second.
const TIME_SCALE = 20;
const REPORT_DELAY_SECONDS = 40;
const IN_FLIGHT = 150;
// screenpop runs with its production settings but the report delay (the simulator's, in real seconds): a call
// whose ENDING was lost is ended by the reconciliation, every 30 s; a call hidden by an outage comes from the
// Call Events Report. The wait for the last cards is generous for that and a busy machine.
const SETTLE_TIMEOUT_MS = 90_000;

interface Fault {
  readonly name: string;
  /** POST /_sim/faults body while the calls run. */
  readonly faults: Record<string, unknown>;
  /** Real ms between GoTo socket kills while the calls run; 0 = none. */
  readonly killEveryMs?: number;
}

// States lost with a socket or dropped come back late: a gap fetch or recovery as history (the line that rang
// meanwhile is a gone leg marked rangUnheard, which pops its agent the ended card: src/pops/audience.ts), a
// call that started and ended unseen from the Call Events Report.
// 5xx only bites on REST calls: that profile also kills the socket, forcing a rebuild and a recovery.
const FAULTS: readonly Fault[] = [
  { name: 'drop 5%', faults: { drop: 0.05 } },
  { name: 'duplicate 30%', faults: { duplicate: 0.3 } },
  { name: 'reorder 30%', faults: { reorder: 0.3 } },
  { name: '5xx 20% with socket kills', faults: { http5xx: 0.2 }, killEveryMs: 700 },
  { name: 'socket kills', faults: {}, killEveryMs: 700 },
];

/** Extension → the agent on it (the simulator's default Northgate directory). */
const AGENTS: Readonly<Record<string, string>> = {
  '2101': USERS.priya,
  '2102': USERS.marcus,
  '2103': USERS.helena,
  '2104': USERS.tomasz,
  '2105': USERS.aiko,
};
const LINES = Object.keys(AGENTS);
const QUEUE_DID = '+13125550140';
const QUEUE_LINES = ['2102', '2103', '2104'];
const MIX: readonly [string, number][] = [
  ['queue', 45],
  ['answered', 20],
  ['missed', 10],
  ['abandoned', 5],
  ['transfer', 5],
  ['outbound', 10],
  ['internal', 5],
];

function callBody(rand: () => number, callers: readonly string[]): Record<string, unknown> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  let roll = rand() * 100;
  const scenario = MIX.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'queue';
  const caller = rand() < 0.08 ? 'Anonymous' : pick(callers);
  const talkMs = 1_000 + Math.floor(rand() * 4_000);
  const line = pick(LINES);
  switch (scenario) {
    case 'queue':
      return { scenario, from: caller, to: QUEUE_DID, answeredBy: pick(QUEUE_LINES), talkMs };
    case 'abandoned':
      return { scenario, from: caller, to: QUEUE_DID, answerAfterMs: 3_000 };
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
  readonly outcome: 'answered' | 'missed';
  /** Extension of the first line to answer. */
  readonly answeredBy: string | null;
  /** Extensions whose agents must get this conversation's card. */
  readonly rang: readonly string[];
}

interface Placed {
  readonly body: Record<string, unknown>;
  readonly conversationSpaceId: string;
  sim: { outcome: string; answeredBy: string | null } | null;
  /** Conversation ids of this call (a transfer's consult is a second one). */
  conversations: string[];
  ended: boolean;
}

/**
 * Our contract from the simulator's plan (as the pipeline soak's): GoTo's queue "abandoned" rang the agents, so
 * it is missed here; a transfer was answered first by the line it was sent to, then rings its target; its consult
 * is an internal call from that line, answered by the transfer target.
 */
function expectedOf(p: Placed, conversationSpaceId: string): Expected {
  const sim = p.sim!;
  const body = p.body;
  const from = body['from'] as string;
  const to = body['to'] as string;
  if (conversationSpaceId !== p.conversationSpaceId) {
    const target = body['transferTo'] as string;
    return { outcome: 'answered', answeredBy: target, rang: [to, target] };
  }
  switch (body['scenario']) {
    case 'queue':
    case 'abandoned':
      return sim.outcome === 'answered'
        ? { outcome: 'answered', answeredBy: sim.answeredBy, rang: QUEUE_LINES }
        : { outcome: 'missed', answeredBy: null, rang: QUEUE_LINES };
    case 'transfer':
      // The target's line rings on the caller's conversation too, once the transfer is made.
      return { outcome: 'answered', answeredBy: to, rang: [to, body['transferTo'] as string] };
    case 'outbound':
      return { outcome: 'answered', answeredBy: from, rang: [from] };
    case 'internal':
      return { outcome: 'answered', answeredBy: sim.answeredBy, rang: [from, to] };
    default:
      return sim.outcome === 'answered'
        ? { outcome: 'answered', answeredBy: sim.answeredBy, rang: [to] }
        : { outcome: 'missed', answeredBy: null, rang: [to] };
  }
}

interface SimListed {
  readonly ended: boolean;
  readonly expected: { readonly outcome: string; readonly answeredBy: string | null };
  readonly conversations: readonly { readonly conversationSpaceId: string }[];
}

/** Copies the simulator's plan, conversation ids and end into `placed` (its list keeps only recent ended calls). */
async function absorb(simUrl: string, byConversation: Map<string, Placed>): Promise<void> {
  const response = await fetch(`${simUrl}/_sim/calls`);
  for (const call of ((await response.json()) as { items: SimListed[] }).items) {
    const first = call.conversations[0]?.conversationSpaceId;
    const placed = first === undefined ? undefined : byConversation.get(first);
    if (placed !== undefined) {
      placed.sim = call.expected;
      placed.conversations = call.conversations.map((c) => c.conversationSpaceId);
      placed.ended = call.ended;
    }
  }
}

async function simFaults(simUrl: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${simUrl}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`POST /_sim/faults ${response.status}`);
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One agent's socket: every card it received, by call, in arrival order. */
type Received = Map<string, Card[]>;

function cardsByCall(messages: readonly { type: string; card?: Card }[]): Received {
  const byCall: Received = new Map();
  for (const m of messages) {
    if (m.type === 'card' && m.card !== undefined) {
      const list = byCall.get(m.card.callId) ?? [];
      list.push(m.card);
      byCall.set(m.card.callId, list);
    }
  }
  return byCall;
}

interface SoakResult {
  readonly calls: number;
  readonly conversations: number;
  /** (agent, conversation) pairs that must give a card. */
  readonly expectedCards: number;
  /** (agent, conversation) pairs that gave one. */
  readonly cards: number;
  readonly cardMessages: number;
  /** Cards owed for lines the tracker reported active that never arrived. */
  readonly missing: string[];
  /** Lines that rang without the tracker ever hearing of it (no card is owed by pops; a GoTo-source gap). */
  readonly notHeard: string[];
  /** Cards naming a later answerer because the tracker never heard the first answering line active. */
  readonly answerNotHeard: string[];
  readonly unexpected: string[];
  readonly wrong: string[];
  readonly duplicated: string[];
  readonly backwards: string[];
  readonly seconds: number;
}

function finalStateOf(card: Card | undefined): { outcome: string; answeredBy: string | null } {
  return {
    outcome: card?.phase === 'ended' ? (card.outcome ?? 'none') : `live:${card?.phase ?? 'none'}`,
    answeredBy: card?.answeredBy?.extension ?? null,
  };
}

async function soak(fault: Fault): Promise<SoakResult> {
  const started = Date.now();
  const stack = await startSoakStack({ timeScale: TIME_SCALE, reportDelaySeconds: REPORT_DELAY_SECONDS });
  const timers: NodeJS.Timeout[] = [];
  try {
    const agents = new Map<string, ReturnType<typeof pushClient>>();
    for (const [extension, email] of Object.entries(AGENTS)) {
      agents.set(extension, pushClient(stack, await signInOverHttp(stack, email)));
    }
    await Promise.all([...agents.values()].map((a) => a.opened));
    await until(
      'every socket’s hello',
      () => [...agents.values()].every((a) => a.messages.length > 0),
      10_000,
    );
    // A first call, before any fault, shows the Call Events connection is up; it is not counted.
    const warmUp = await placeCall(stack, { scenario: 'missed', from: '+13125550101', to: '2105' });
    await until(
      'the warm-up call’s ended card',
      () => cardsByCall(agents.get('2105')!.messages).get(warmUp)?.at(-1)?.phase === 'ended',
      30_000,
    );
    // Lines the tracker ever reported taking part in each call (ringing, talking, holding, or rung unheard), by
    // extension: the pops contract is a card for those (src/pops/audience.ts).
    const lineExtension = new Map(stack.simulator.directory.lines.map((l) => [l.id, l.extension]));
    const activeSeen = new Map<string, Set<string>>();
    /** Lines the tracker's changes carried at all, gone ones included. */
    const anySeen = new Map<string, Set<string>>();
    const stopWatching = stack.app.tracker.onChange(({ call }) => {
      const active = activeSeen.get(call.id) ?? new Set<string>();
      const any = anySeen.get(call.id) ?? new Set<string>();
      for (const leg of call.legs) {
        const extension = lineExtension.get(leg.lineId) ?? leg.lineId;
        any.add(extension);
        if (takesPart(leg)) {
          active.add(extension);
        }
      }
      activeSeen.set(call.id, active);
      anySeen.set(call.id, any);
    });
    const page = await stack.app.store.contacts.search({ text: '', limit: 40, offset: 0 });
    const contactOf = new Map<string, string>();
    for (const contact of page.items) {
      const e164 = contact.phones[0]?.e164;
      if (e164 != null) {
        contactOf.set(e164, contact.name);
      }
    }
    const callers = [...contactOf.keys()];
    callers.push('+13125550101', '+17735550123'); // and two numbers no contact has

    await simFaults(stack.simUrl, fault.faults);
    if ((fault.killEveryMs ?? 0) > 0) {
      timers.push(
        setInterval(
          () => void simFaults(stack.simUrl, { closeSockets: true }).catch(() => {}),
          fault.killEveryMs,
        ),
      );
    }
    const rand = random(20_261_204);
    const byConversation = new Map<string, Placed>();
    for (let i = 0; i < CALLS; i++) {
      while ([...byConversation.values()].filter((p) => !p.ended).length >= IN_FLIGHT) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        await absorb(stack.simUrl, byConversation);
      }
      const body = callBody(rand, callers);
      const response = await fetch(`${stack.simUrl}/_sim/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { conversationSpaceId?: string };
      assert.equal(response.status, 201, `placing call ${i}: ${JSON.stringify(json)}`);
      const conversationSpaceId = json.conversationSpaceId!;
      byConversation.set(conversationSpaceId, {
        body,
        conversationSpaceId,
        sim: null,
        conversations: [],
        ended: false,
      });
    }
    await until(
      'the simulator to finish every call',
      async () => {
        await absorb(stack.simUrl, byConversation);
        return [...byConversation.values()].every((p) => p.ended);
      },
      120_000,
    );
    for (const timer of timers.splice(0)) {
      clearInterval(timer);
    }
    await simFaults(stack.simUrl, { reset: true });

    const checks = [...byConversation.values()].flatMap((p) =>
      p.conversations.map((id) => ({ placed: p, id, expected: expectedOf(p, id) })),
    );
    let lastCount = -1;
    let quietSince = Date.now();
    const settled = (): boolean => {
      const count = [...agents.values()].reduce((n, a) => n + a.messages.length, 0);
      if (count !== lastCount) {
        lastCount = count;
        quietSince = Date.now();
      }
      return Date.now() - quietSince >= 1_000 && finalCardsIn();
    };
    const finalCardsIn = (): boolean => {
      const now = new Map([...agents].map(([ext, a]) => [ext, cardsByCall(a.messages)]));
      // Every card owed, heard live or not: calls hidden by an outage arrive late, from the report.
      return checks.every(({ id, expected }) =>
        expected.rang.every((ext) => {
          const got = finalStateOf(now.get(ext)!.get(id)?.at(-1));
          const answerHeard =
            expected.answeredBy === null || (activeSeen.get(id)?.has(expected.answeredBy) ?? false);
          return got.outcome === expected.outcome && (got.answeredBy === expected.answeredBy || !answerHeard);
        }),
      );
    };
    // Wait for every card to reach its final state; on a timeout the counts below say what is off.
    await until('every card’s final state', settled, SETTLE_TIMEOUT_MS).catch(() => {});

    const received = new Map([...agents].map(([ext, a]) => [ext, cardsByCall(a.messages)]));
    const conversationIds = new Set(checks.map((c) => c.id));
    const missing: string[] = [];
    const notHeard: string[] = [];
    const answerNotHeard: string[] = [];
    const wrong: string[] = [];
    let expectedCards = 0;
    for (const { placed, id, expected } of checks) {
      for (const ext of expected.rang) {
        expectedCards++;
        const list = received.get(ext)!.get(id);
        if (list === undefined && !(activeSeen.get(id)?.has(ext) ?? false)) {
          // The events of this line's ringing never reached the tracker, not even late (a gap fetch, a recovery or
          // the Call Events Report should have brought them).
          const heard = !activeSeen.has(id)
            ? 'call not heard'
            : anySeen.get(id)!.has(ext)
              ? 'line heard only as gone'
              : 'line not heard';
          notHeard.push(`${String(placed.body['scenario'])} ${id} → ${ext} (tracker: ${heard})`);
          continue;
        }
        if (list === undefined) {
          const logged = await stack.app.store.callLog.get(id);
          missing.push(
            `${String(placed.body['scenario'])} ${id} → ${ext} (tracker: ${stack.app.tracker.get(id)?.phase ?? 'unknown'}, ` +
              `call log: ${logged?.outcome ?? 'absent'}, other agents: ${expected.rang.filter((e) => received.get(e)!.has(id)).join(' ') || 'none'})`,
          );
          continue;
        }
        const got = finalStateOf(list.at(-1));
        // A known caller's card names the contact (inbound: the caller is the external party).
        const contact = contactOf.get(placed.body['from'] as string);
        if (contact !== undefined && id === placed.conversationSpaceId) {
          const matches = list.at(-1)?.lookup.matches ?? [];
          if (!matches.some((m) => m.contact.name === contact)) {
            wrong.push(`${String(placed.body['scenario'])} ${id} → ${ext}: no match for ${contact}`);
          }
        }
        const answerHeard =
          expected.answeredBy === null || (activeSeen.get(id)?.has(expected.answeredBy) ?? false);
        if (got.outcome === expected.outcome && got.answeredBy !== expected.answeredBy && !answerHeard) {
          // The first answer fell in a lost state: the card names the line it heard answer (a transfer target).
          answerNotHeard.push(`${String(placed.body['scenario'])} ${id} → ${ext}: ${got.answeredBy}`);
        } else if (got.outcome !== expected.outcome || got.answeredBy !== expected.answeredBy) {
          wrong.push(
            `${String(placed.body['scenario'])} ${id} → ${ext}: ${JSON.stringify(got)} ≠ ` +
              `${JSON.stringify({ outcome: expected.outcome, answeredBy: expected.answeredBy })}`,
          );
        }
      }
    }
    const unexpected: string[] = [];
    const duplicated: string[] = [];
    const backwards: string[] = [];
    let cards = 0;
    let cardMessages = 0;
    for (const [ext, byCall] of received) {
      for (const [id, list] of byCall) {
        if (id === warmUp) {
          continue;
        }
        cardMessages += list.length;
        const check = checks.find((c) => c.id === id);
        if (!conversationIds.has(id) || check === undefined || !check.expected.rang.includes(ext)) {
          unexpected.push(`${id} → ${ext}`);
        } else {
          cards++;
        }
        for (const [i, card] of list.entries()) {
          const before = list[i - 1]?.version ?? 0;
          if (card.version === before) {
            duplicated.push(`${id} → ${ext}: version ${card.version} twice`);
          } else if (card.version < before) {
            backwards.push(`${id} → ${ext}: version ${card.version} after ${before}`);
          }
        }
      }
    }
    stopWatching();
    for (const agent of agents.values()) {
      agent.socket.close();
    }
    return {
      calls: byConversation.size,
      conversations: checks.length,
      expectedCards,
      cards,
      cardMessages,
      missing,
      notHeard,
      answerNotHeard,
      unexpected,
      wrong,
      duplicated,
      backwards,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const timer of timers) {
      clearInterval(timer);
    }
    await stack.close();
  }
}

/** How many entries end with each "(tracker: …)" note. */
function tally(entries: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of entries) {
    const note = /\(tracker: (.+)\)$/.exec(entry)?.[1] ?? 'other';
    counts[note] = (counts[note] ?? 0) + 1;
  }
  return counts;
}

for (const fault of FAULTS) {
  test(`pop soak, ${fault.name}: every call that rang an agent gives that agent one right card, versions only rising`, async (t) => {
    const r = await soak(fault);
    t.diagnostic(
      `pop soak ${fault.name}: ${r.calls} calls (${r.conversations} conversations) in ${r.seconds.toFixed(1)} s; ` +
        `cards ${r.cards}/${r.expectedCards} (${r.cardMessages} card messages); missing ${r.missing.length}; ` +
        `rang unheard by the tracker ${r.notHeard.length} ${JSON.stringify(tally(r.notHeard))}; first answer unheard ${r.answerNotHeard.length}; ` +
        `wrong ${r.wrong.length}; duplicated ${r.duplicated.length}; backwards ${r.backwards.length}; ` +
        `to the wrong agent ${r.unexpected.length}`,
    );
    assert.deepEqual(r.missing.slice(0, 10), [], 'calls that rang an agent without a card');
    assert.deepEqual(r.unexpected.slice(0, 10), [], 'cards to agents whose line the call never rang');
    assert.deepEqual(r.duplicated.slice(0, 10), [], 'a card version received twice');
    assert.deepEqual(r.backwards.slice(0, 10), [], 'a card version older than one already received');
    assert.deepEqual(r.wrong.slice(0, 10), [], 'cards in the wrong final state');
    assert.equal(r.cards + r.notHeard.length, r.expectedCards);
    assert.deepEqual(r.notHeard.slice(0, 10), [], 'lines that rang without the tracker hearing of it');
    assert.deepEqual(r.answerNotHeard.slice(0, 10), [], 'first answers the tracker never heard');
  });
}
