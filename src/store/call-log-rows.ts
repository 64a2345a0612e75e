// The call model (src/calls/types.ts) → a call-log entry, and call_log rows ↔ CallLogEntry.
import type { Selectable } from 'kysely';
import type { Call } from '../calls/types.ts';
import type { CallLogEntry } from '../lookup/types.ts';
import type { CallLogTable } from './database.ts';

/** What the log keeps of an ended call; notes fields start empty (agents add them later). */
export function callToEntry(call: Call): CallLogEntry {
  const answering = call.legs.find((leg) => leg.lineId === call.answeredBy);
  const outcome =
    call.outcome ?? (call.answeredBy !== null ? 'answered' : call.legs.length > 0 ? 'missed' : 'abandoned');
  return {
    callId: call.id,
    direction: call.direction,
    callerE164: call.caller.e164,
    callerRaw: call.caller.raw,
    callerName: call.caller.name,
    withheld: call.caller.withheld,
    dialed: call.dialed,
    lineIds: [...new Set(call.legs.map((leg) => leg.lineId))],
    answeredBy: call.answeredBy,
    answeredByName: answering?.name ?? null,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    // A call handed over before its end was stamped still gets a row; its start is the best end we know.
    endedAt: call.endedAt ?? call.startedAt,
    outcome,
    contactId: null,
    notes: null,
    disposition: null,
    notesBy: null,
    notesAt: null,
  };
}

export function entryToRow(entry: CallLogEntry): CallLogTable {
  return {
    call_id: entry.callId,
    direction: entry.direction,
    caller_e164: entry.callerE164,
    caller_raw: entry.callerRaw,
    caller_name: entry.callerName,
    withheld: entry.withheld ? 1 : 0,
    dialed: entry.dialed,
    line_ids: JSON.stringify(entry.lineIds),
    answered_by: entry.answeredBy,
    answered_by_name: entry.answeredByName,
    started_at: entry.startedAt,
    answered_at: entry.answeredAt,
    ended_at: entry.endedAt,
    outcome: entry.outcome,
    contact_id: entry.contactId,
    notes: entry.notes,
    disposition: entry.disposition,
    notes_by: entry.notesBy,
    notes_at: entry.notesAt,
  };
}

/** `contact_name` comes from a join with contacts; rows read without it give entries without contactName. */
export function rowToEntry(row: Selectable<CallLogTable> & { contact_name?: string | null }): CallLogEntry {
  return {
    callId: row.call_id,
    direction: row.direction as CallLogEntry['direction'],
    callerE164: row.caller_e164,
    callerRaw: row.caller_raw,
    callerName: row.caller_name,
    withheld: Number(row.withheld) === 1,
    dialed: row.dialed,
    lineIds: JSON.parse(row.line_ids) as string[],
    answeredBy: row.answered_by,
    answeredByName: row.answered_by_name,
    startedAt: row.started_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    outcome: row.outcome as CallLogEntry['outcome'],
    contactId: row.contact_id,
    ...(row.contact_name === undefined ? {} : { contactName: row.contact_name }),
    notes: row.notes,
    disposition: row.disposition,
    notesBy: row.notes_by,
    notesAt: row.notes_at,
  };
}
