// Call history for the card: the caller's last call and how often they called in the last 30 days.
import type { CallHistory } from './ports.ts';
import type { CallLogEntry, HistorySummary, LastCall } from './types.ts';

export const HISTORY_DAYS = 30;
export const DAY_MS = 86_400_000;

export function toLastCall(entry: CallLogEntry): LastCall {
  return {
    callId: entry.callId,
    at: entry.startedAt,
    outcome: entry.outcome,
    answeredBy: entry.answeredBy,
    answeredByName: entry.answeredByName,
    notes: entry.notes,
    disposition: entry.disposition,
  };
}

/** Past calls only: the current call is dropped if the log already holds it (a lookup repeated after the end). */
export function previousCalls(history: CallHistory, currentCallId: string): CallLogEntry[] {
  return history.recent.filter((e) => e.callId !== currentCallId);
}

export function summarizeHistory(history: CallHistory, currentCallId: string): HistorySummary {
  const previous = previousCalls(history, currentCallId);
  const includesCurrent = previous.length !== history.recent.length;
  const last = previous[0];
  return {
    lastCall: last === undefined ? null : toLastCall(last),
    callsLast30Days: Math.max(0, history.count - (includesCurrent ? 1 : 0)),
  };
}

export const EMPTY_HISTORY: HistorySummary = { lastCall: null, callsLast30Days: 0 };
