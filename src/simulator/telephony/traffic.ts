// Traffic generator (POST /_sim/traffic): a steady stream of realistic calls — mostly queue and direct answered
// calls, some missed and abandoned, a few transfers, outbound and internal calls; withheld, new and repeat callers.
import type { SimDirectory, SimTrafficPlan } from '../context.ts';
import type { Timers } from './flow-context.ts';
import type { PlaceCall } from './place-call.ts';

const NAMES = [
  'WIRELESS CALLER',
  'CHICAGO      IL',
  'FENN MARLOWE',
  'OAK PARK     IL',
  'TOLLIVER JUNE',
  'NAPERVILLE   IL',
];

/** Weighted scenario mix: [scenario, weight]. */
const MIX: readonly [PlaceCall['scenario'], number][] = [
  ['queue', 45],
  ['answered', 20],
  ['missed', 10],
  ['abandoned', 5],
  ['transfer', 5],
  ['outbound', 10],
  ['internal', 5],
];

export type Random = () => number;

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length) % items.length] as T;
}

function weighted(random: Random): PlaceCall['scenario'] {
  const total = MIX.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [scenario, weight] of MIX) {
    roll -= weight;
    if (roll < 0) {
      return scenario;
    }
  }
  return 'queue';
}

/** Builds call bodies from the directory; keeps a pool of earlier callers so that some call again. */
export class CallMix {
  private readonly repeatCallers: string[] = [];

  constructor(
    private readonly directory: SimDirectory,
    private readonly random: Random = Math.random,
  ) {}

  private externalNumber(): string {
    const r = this.random();
    if (r < 0.08) {
      return 'Anonymous';
    }
    if (r < 0.38 && this.repeatCallers.length > 0) {
      return pick(this.repeatCallers, this.random);
    }
    const area = pick(['312', '773', '708', '630', '815', '224'], this.random);
    const number = `+1${area}55501${String(Math.floor(this.random() * 100)).padStart(2, '0')}`;
    this.repeatCallers.push(number);
    if (this.repeatCallers.length > 25) {
      this.repeatCallers.shift();
    }
    return number;
  }

  next(): PlaceCall | null {
    const account = this.directory.accounts[0];
    if (account === undefined) {
      return null;
    }
    const lines = this.directory.lines.filter((l) => l.accountKey === account.key);
    const queue = this.directory.queues.find((q) => q.accountKey === account.key);
    const queueDid = this.directory.phoneNumbers.find(
      (p) => p.accountKey === account.key && p.routesTo.kind === 'queue',
    );
    if (lines.length < 2) {
      return null;
    }
    const scenario = weighted(this.random);
    const line = pick(lines, this.random);
    const other = pick(
      lines.filter((l) => l !== line),
      this.random,
    );
    const times = {
      answerAfterMs: 3_000 + Math.floor(this.random() * 12_000),
      talkMs: 20_000 + Math.floor(this.random() * 220_000),
    };
    if (scenario === 'outbound') {
      return {
        scenario,
        from: line.extension,
        to: this.externalNumber().replace('Anonymous', '+16305550188'),
        ...times,
      };
    }
    if (scenario === 'internal') {
      return { scenario, from: line.extension, to: other.extension, ...times };
    }
    const from = this.externalNumber();
    const callerName = pick(NAMES, this.random);
    if ((scenario === 'queue' || scenario === 'abandoned') && queue !== undefined) {
      const to = queueDid?.number ?? queue.extension;
      const agents = lines.filter((l) => queue.lineIds.includes(l.id));
      const answeredBy = agents.length > 0 ? pick(agents, this.random).extension : undefined;
      return {
        scenario: scenario === 'queue' ? 'queue' : 'abandoned',
        from,
        callerName,
        to,
        answeredBy,
        ...times,
      };
    }
    if (scenario === 'transfer') {
      return { scenario, from, callerName, to: line.extension, transferTo: other.extension, ...times };
    }
    return {
      scenario: scenario === 'queue' || scenario === 'abandoned' ? 'answered' : scenario,
      from,
      callerName,
      to: line.extension,
      ...times,
    };
  }
}

/** Where the generator's calls come from: the realistic mix or a load test's plan. */
export interface CallSource {
  next(): PlaceCall | null;
}

/** A load test's fixed plan: call i goes to `to[i % to.length]` from `from[i % from.length]`. */
export class PlannedCalls implements CallSource {
  private index = 0;

  constructor(private readonly plan: SimTrafficPlan) {}

  next(): PlaceCall | null {
    const { to, from } = this.plan;
    if (to.length === 0 || from.length === 0) {
      return null;
    }
    const i = this.index;
    this.index += 1;
    return {
      scenario: this.plan.scenario,
      to: to[i % to.length] as string,
      from: from[i % from.length] as string,
      callerName: this.plan.callerName ?? 'LOAD TEST',
      answerAfterMs: this.plan.answerAfterMs,
      talkMs: this.plan.talkMs,
    };
  }
}

/** Starts calls at `callsPerSecond` of wall-clock time (not simulated time) until stopped or `maxCalls` were placed. */
export class TrafficGenerator {
  private cancel: (() => void) | null = null;
  placed = 0;

  constructor(
    private readonly timers: Timers,
    private readonly scale: number,
    private readonly now: () => number,
    private readonly mix: CallSource,
    private readonly place: (body: PlaceCall) => void,
  ) {}

  start(options: { callsPerSecond: number; maxCalls?: number }, source: CallSource = this.mix): void {
    this.stop();
    this.placed = 0;
    if (!(options.callsPerSecond > 0)) {
      return;
    }
    const limit = options.maxCalls ?? Number.POSITIVE_INFINITY;
    const startedAt = this.now();
    // Timers fire at best every millisecond or so: each tick places every call that is due by now, so high
    // rates are met on average instead of being capped by timer granularity.
    const tickMs = Math.max((1000 / options.callsPerSecond) * this.scale, 4 * this.scale);
    const tick = () => {
      const elapsedRealSeconds = (this.now() - startedAt) / this.scale / 1000;
      const due = Math.min(limit, Math.floor(elapsedRealSeconds * options.callsPerSecond) + 1);
      for (let burst = 0; this.placed < due && burst < 1000; burst += 1) {
        const body = source.next();
        if (body === null) {
          break;
        }
        this.placed += 1;
        this.place(body);
      }
      if (this.placed >= limit) {
        this.cancel = null;
        return;
      }
      this.cancel = this.timers.after(tickMs, tick);
    };
    tick();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }
}
