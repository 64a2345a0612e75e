// Test helpers for pops/: calls and agents in the shapes the tracker and the store produce.
import type { Call, Leg, LegState } from '../../calls/types.ts';
import type { AgentSettings } from '../ports.ts';

export function leg(lineId: string, state: LegState, name: string | null = null): Leg {
  return { lineId, extension: lineId.replace(/\D/g, '') || null, name, state, since: 1_000 };
}

export function call(overrides: Partial<Call> = {}): Call {
  return {
    id: 'conv-1',
    source: 'call-events',
    accountKey: '123',
    direction: 'inbound',
    caller: {
      e164: '+13125550140',
      raw: '3125550140',
      name: 'ACME CORP',
      withheld: false,
      extension: null,
    },
    callee: null,
    dialed: '+13125550100',
    queue: null,
    legs: [],
    answeredBy: null,
    phase: 'ringing',
    outcome: null,
    startedAt: 1_000,
    answeredAt: null,
    endedAt: null,
    associated: [],
    version: 1,
    ...overrides,
  };
}

export function agent(
  principal: string,
  lineIds: string[],
  overrides: Partial<AgentSettings> = {},
): AgentSettings {
  return {
    principal,
    displayName: principal.split('@')[0] ?? principal,
    lines: lineIds.map((id) => ({ id, extension: null, name: null })),
    popLines: null,
    desktopNotifications: false,
    role: 'agent',
    ...overrides,
  };
}
