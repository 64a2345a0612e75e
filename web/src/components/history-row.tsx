// One call of the history list: who (contact, else caller ID, else number), the number, when, who answered,
// the outcome, the disposition and the start of the notes.
import type { CallLogEntry } from '../../../src/shared/api.ts';
import { outcomeText } from '../lib/card-text.ts';
import { dispositionLabel } from '../lib/dispositions.ts';
import { formatCallTime } from '../lib/format.ts';
import { formatPhone } from '../lib/phone.ts';
import { routeHash } from '../lib/route.ts';

/** The caller's number as people read it; "Withheld" when GoTo gave none. */
export function callerNumber(e: CallLogEntry): string {
  if (e.callerE164 !== null) {
    return formatPhone(e.callerE164);
  }
  return e.withheld || e.callerRaw === '' ? 'Withheld' : e.callerRaw;
}

/** The contact the call was linked to, else the caller-ID name (untrusted text), else the number. */
export function callTitle(e: CallLogEntry): string {
  return e.contactName ?? e.callerName ?? callerNumber(e);
}

function whoAnswered(e: CallLogEntry): string | null {
  if (e.outcome !== 'answered') {
    return null;
  }
  return e.answeredByName ?? (e.answeredBy === null ? null : `line ${e.answeredBy}`);
}

export function HistoryRow(props: { entry: CallLogEntry; selected: boolean; now: number }) {
  const e = props.entry;
  const title = callTitle(e);
  const number = callerNumber(e);
  const answered = whoAnswered(e);
  return (
    <a
      class={`row-link ${props.selected ? 'selected' : ''}`}
      href={routeHash({ page: 'history', callId: e.callId })}
      data-testid="history-row"
      data-call-id={e.callId}
      data-outcome={e.outcome}
    >
      <span class="row-main">
        <strong data-testid="history-row-contact">{title}</strong>
        {number !== title && (
          <span class="mono muted" data-testid="history-row-number">
            {number}
          </span>
        )}
        <span class={`badge small outcome ${e.outcome}`}>{outcomeText(e.outcome)}</span>
        {e.disposition && <span class="badge small">{dispositionLabel(e.disposition)}</span>}
      </span>
      <span class="row-sub muted">
        <time dateTime={new Date(e.startedAt).toISOString()}>{formatCallTime(e.startedAt, props.now)}</time>
        {answered ? ` · ${answered}` : ''}
        {e.notes ? ` · ${e.notes.slice(0, 80)}` : ''}
      </span>
    </a>
  );
}
