// The demo's gentle call generator: every few seconds a call to the demo agents, with a realistic mix of callers
// (known, repeat, unknown, withheld) and endings (answered, missed, transfer).
import type { Logger } from 'pino';
import { knownNumber, unknownNumber } from './demo-contacts.ts';
import { seededRandom } from '../util/seeded-random.ts';

export interface DemoCall {
  readonly scenario: 'answered' | 'missed' | 'transfer' | 'abandoned';
  readonly from: string;
  readonly callerName?: string;
  readonly to: string;
  readonly answerAfterMs: number;
  readonly talkMs: number;
  readonly transferTo?: string;
}

/** The simulator's Northgate DIDs: the Service Desk queue (ring-all) and Aiko's direct line. */
export const QUEUE_DID = '+13125550140';
export const DIRECT_DID = '+13125550177';

/** The next demo call; `recent` holds numbers that called lately (to make repeat callers). */
export function nextDemoCall(random: () => number, recent: string[], contactCount: number): DemoCall {
  const r = random();
  const from =
    r < 0.15 && recent.length > 0
      ? (recent[Math.floor(random() * recent.length)] ?? knownNumber(0))
      : r < 0.7
        ? knownNumber(Math.floor(random() * contactCount))
        : r < 0.9
          ? unknownNumber(Math.floor(random() * 100))
          : 'Anonymous';
  const s = random();
  const base = {
    from,
    answerAfterMs: 4_000 + Math.floor(random() * 5_000),
    talkMs: 8_000 + Math.floor(random() * 20_000),
  };
  if (s < 0.2) {
    return { ...base, scenario: 'missed', to: QUEUE_DID };
  }
  if (s < 0.3) {
    return { ...base, scenario: 'transfer', to: DIRECT_DID, transferTo: '2101' };
  }
  if (s < 0.4) {
    return { ...base, scenario: 'answered', to: DIRECT_DID };
  }
  return { ...base, scenario: 'answered', to: QUEUE_DID };
}

export interface DemoTraffic {
  stop(): void;
}

/** Places a call every `intervalSeconds` through `place` (the simulator's control API). */
export function startDemoTraffic(
  place: (call: DemoCall) => Promise<unknown>,
  intervalSeconds: number,
  contactCount: number,
  log: Logger,
): DemoTraffic {
  if (intervalSeconds <= 0) {
    return { stop: () => {} };
  }
  const random = seededRandom(Date.now() & 0xffff);
  const recent: string[] = [];
  const timer = setInterval(() => {
    const call = nextDemoCall(random, recent, contactCount);
    if (call.from !== 'Anonymous') {
      recent.push(call.from);
      recent.splice(0, Math.max(0, recent.length - 5));
    }
    place(call).then(
      () => log.info({ scenario: call.scenario, to: call.to }, 'demo call placed'),
      (error: unknown) => log.warn({ reason: String(error) }, 'demo call failed'),
    );
  }, intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
