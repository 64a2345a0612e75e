// Plain values for lookup tests: contacts, call-log entries, calls, and a clock the test moves.
import type { Clock } from '../../calls/ports.ts';
import type { Call, Party } from '../../calls/types.ts';
import type { CallLogEntry, Contact } from '../types.ts';

export function contact(id: string, over: Partial<Contact> = {}): Contact {
  return {
    id,
    name: `Contact ${id}`,
    company: null,
    email: null,
    tier: null,
    tags: [],
    notes: null,
    custom: {},
    phones: [],
    tickets: [],
    appointments: [],
    externalId: null,
    recordUrl: null,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}

export function logEntry(callId: string, startedAt: number, over: Partial<CallLogEntry> = {}): CallLogEntry {
  return {
    callId,
    direction: 'inbound',
    callerE164: '+13125550140',
    callerRaw: '+13125550140',
    callerName: null,
    withheld: false,
    dialed: null,
    lineIds: ['line-1'],
    answeredBy: 'line-1',
    answeredByName: 'Dana',
    startedAt,
    answeredAt: startedAt + 5000,
    endedAt: startedAt + 60_000,
    outcome: 'answered',
    contactId: null,
    notes: null,
    disposition: null,
    notesBy: null,
    notesAt: null,
    ...over,
  };
}

export function party(raw: string, over: Partial<Party> = {}): Party {
  return { e164: null, raw, name: null, withheld: false, extension: null, ...over };
}

export function ringingCall(id: string, caller: Party, over: Partial<Call> = {}): Call {
  return {
    id,
    source: 'call-events',
    accountKey: '1',
    direction: 'inbound',
    caller,
    callee: null,
    dialed: null,
    queue: null,
    legs: [],
    answeredBy: null,
    phase: 'ringing',
    outcome: null,
    startedAt: 0,
    answeredAt: null,
    endedAt: null,
    associated: [],
    version: 1,
    ...over,
  };
}

export class TestClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
