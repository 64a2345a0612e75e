// A call log entry (and the CRM contact it was for) in the words a CRM call log uses: the CrmCallRecord writers get.
import type { CrmCallRecord } from '../lookup/providers/call-record.ts';
import type { CallLogEntry } from '../shared/api.ts';

/** The external party's number: E.164 when it parsed, else as GoTo sent it. */
function external(entry: CallLogEntry): string {
  return entry.callerE164 ?? entry.callerRaw;
}

export function toCrmCallRecord(entry: CallLogEntry, contact: CrmCallRecord['contact']): CrmCallRecord {
  // `dialed` is our side of the call (the DID or extension); the caller fields are the other party's.
  const ours = entry.dialed ?? '';
  const outbound = entry.direction === 'outbound';
  return {
    callId: entry.callId,
    direction: entry.direction,
    from: outbound ? ours : external(entry),
    to: outbound ? external(entry) : ours,
    startedAt: entry.startedAt,
    answeredAt: entry.answeredAt,
    endedAt: entry.endedAt,
    talkSeconds:
      entry.answeredAt === null ? 0 : Math.max(0, Math.round((entry.endedAt - entry.answeredAt) / 1000)),
    outcome: entry.outcome,
    agent: entry.answeredBy === null ? null : { principal: entry.answeredBy, name: entry.answeredByName },
    notes: entry.notes,
    disposition: entry.disposition,
    contact,
  };
}
