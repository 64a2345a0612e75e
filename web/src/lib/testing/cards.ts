// Builds sample cards for unit tests and the dev harness: a full card with overridable fields.
import type { Card } from '../../../../src/shared/messages.ts';

type Overrides = Partial<Omit<Card, 'caller' | 'lookup'>> & {
  caller?: Partial<Card['caller']>;
  lookup?: Partial<Card['lookup']>;
};

export function makeCard(over: Overrides = {}): Card {
  const { caller, lookup, ...rest } = over;
  return {
    callId: 'call-1',
    version: 1,
    direction: 'inbound',
    phase: 'ringing',
    outcome: null,
    dialed: '+13125550100',
    queue: null,
    lines: [],
    answeredBy: null,
    startedAt: 1_700_000_000_000,
    answeredAt: null,
    endedAt: null,
    history: { lastCall: null, callsLast30Days: 0 },
    urgency: { level: 'none', reason: null },
    links: [],
    notes: null,
    ...rest,
    caller: { display: '+1 312-555-0140', e164: '+13125550140', name: null, withheld: false, ...caller },
    lookup: { status: 'done', matches: [], unknownReason: null, ...lookup },
  };
}
