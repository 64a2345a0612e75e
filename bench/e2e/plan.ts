// The sizes of the end-to-end scenarios (full, and --quick) and the calls of one load run.
import { agentDid, agentExtension } from '../../src/simulator/directory/generate.ts';
import { knownNumber } from '../lookup.ts';
import type { TrafficPlan } from './load-client.ts';

export interface Sizes {
  readonly contacts: number;
  /** Agents in the simulator's directory and signed in (scenario 3), and sockets of scenario 2. */
  readonly agents: number;
  readonly pop: { readonly agents: number; readonly callsPerSecond: number; readonly seconds: number };
  readonly fanOut: { readonly callsPerSecond: number; readonly seconds: number };
  readonly startups: number;
}

export const FULL: Sizes = {
  contacts: 1_000_000,
  agents: 10_000,
  pop: { agents: 1_000, callsPerSecond: 200, seconds: 60 },
  fanOut: { callsPerSecond: 500, seconds: 60 },
  startups: 5,
};

export const QUICK: Sizes = {
  contacts: 50_000,
  agents: 200,
  pop: { agents: 100, callsPerSecond: 50, seconds: 6 },
  fanOut: { callsPerSecond: 100, seconds: 5 },
  startups: 2,
};

/**
 * Call k rings agent k % n, by its DID, its extension, then its one-member ring-all queue in turn; callers are
 * all distinct (a caller's number is the call's key in the ledger), even k a stored contact, odd k unknown.
 * `firstCaller`: callers already used by earlier runs against the same simulator (their calls may still be
 * ending while the next run starts), so no number is used twice while total calls ≤ contacts.
 */
export function trafficPlan(
  agents: number,
  callsPerSecond: number,
  seconds: number,
  contacts: number,
  firstCaller = 0,
): TrafficPlan {
  const to = [
    ...Array.from({ length: agents }, (_, i) => agentDid(i)),
    ...Array.from({ length: agents }, (_, i) => agentExtension(i)),
    ...Array.from({ length: agents }, (_, i) => `+1779${String(2_000_000 + i)}`),
  ];
  const calls = Math.round(callsPerSecond * seconds);
  const from = Array.from({ length: calls }, (_, i) => {
    const k = firstCaller + i;
    return k % 2 === 0 ? knownNumber((k * 7919) % contacts) : `+1503${String(4_000_000 + k)}`;
  });
  return { callsPerSecond, calls, to, from, answerAfterMs: 1_500, talkMs: 1_000 };
}
