// Values the connector tests share: a finished call as a CrmCallRecord, a caller's number, and a rejection caught.
import type { CrmCallRecord } from '../../providers/call-record.ts';
import type { ProviderNumber } from '../../provider.ts';

/** 2026-12-04 15:00 UTC: an answered inbound call of 125 s. */
export const CALL_START = Date.UTC(2026, 11, 4, 15, 0, 0);

export function callRecord(over: Partial<CrmCallRecord> = {}): CrmCallRecord {
  return {
    callId: 'call-1',
    direction: 'inbound',
    from: '+13125550140',
    to: '+13125550100',
    startedAt: CALL_START,
    answeredAt: CALL_START + 5000,
    endedAt: CALL_START + 130_000,
    talkSeconds: 125,
    outcome: 'answered',
    agent: { principal: 'dana@example.test', name: 'Dana' },
    notes: null,
    disposition: null,
    contact: { externalId: '1', name: 'Ann Lee' },
    ...over,
  };
}

/** A NANP number in the three forms a provider gets. */
export function numberOf(e164: string): ProviderNumber {
  return { e164, national: e164.replace(/^\+1/, ''), raw: e164 };
}

/** What a promise rejected with (fails the test when it resolves). */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}
