// The card's body: open tickets, upcoming appointments and the last call with its notes.
import type { Card } from '../../../src/shared/messages.ts';
import { primaryMatch } from '../lib/cards.ts';
import { dispositionLabel } from '../lib/dispositions.ts';
import { formatAgo, formatUpcoming } from '../lib/format.ts';
import { outcomeText } from '../lib/card-text.ts';
import { safeHttpUrl } from '../lib/urls.ts';
import { HISTORY_SOURCE, matchSourceLabel } from '../lib/source-label.ts';

/** Appointments that ended more than this long ago are no longer "upcoming". */
const APPOINTMENT_GRACE_MS = 60 * 60 * 1000;

export function CardDetails(props: { card: Card; now: number }) {
  const { card, now } = props;
  const match = primaryMatch(card);
  const contact = match?.contact;
  const from = match === null ? null : matchSourceLabel(match);
  const fromLabel = from === null ? null : <span class="source-label">{from}</span>;
  const tickets = contact?.tickets ?? [];
  const appointments = (contact?.appointments ?? [])
    .filter((a) => a.at >= now - APPOINTMENT_GRACE_MS)
    .toSorted((a, b) => a.at - b.at)
    .slice(0, 3);
  const last = card.history.lastCall;
  if (tickets.length === 0 && appointments.length === 0 && !last) {
    return null;
  }
  return (
    <div class="card-details">
      {tickets.length > 0 && (
        <section class="detail">
          <h3>Open tickets{fromLabel}</h3>
          <ul>
            {tickets.slice(0, 4).map((t) => {
              const url = safeHttpUrl(t.url);
              const label = `${t.id} · ${t.title}`;
              return (
                <li key={t.id} data-testid="card-ticket">
                  {url ? (
                    <a href={url} target="_blank" rel="noopener noreferrer">
                      {label}
                    </a>
                  ) : (
                    label
                  )}{' '}
                  <span class="badge small">{t.status}</span>
                </li>
              );
            })}
          </ul>
          {tickets.length > 4 && <p class="muted">and {tickets.length - 4} more</p>}
        </section>
      )}
      {appointments.length > 0 && (
        <section class="detail">
          <h3>Upcoming{fromLabel}</h3>
          <ul>
            {appointments.map((a) => (
              <li key={`${a.at}-${a.title}`} data-testid="card-appointment">
                <span class="when">{formatUpcoming(a.at, now)}</span> {a.title}
              </li>
            ))}
          </ul>
        </section>
      )}
      {last && (
        <section class="detail" data-testid="card-last-call">
          <h3>
            Last call<span class="source-label">{HISTORY_SOURCE}</span>
          </h3>
          <p>
            {formatAgo(last.at, now)} ·{' '}
            <span class={`outcome ${last.outcome}`}>{outcomeText(last.outcome)}</span>
            {last.answeredByName ? ` by ${last.answeredByName}` : ''}
            {last.disposition && (
              <>
                {' '}
                · <span class="badge small">{dispositionLabel(last.disposition)}</span>
              </>
            )}
          </p>
          {last.notes && (
            <blockquote class="last-notes" data-testid="card-last-notes">
              {last.notes}
            </blockquote>
          )}
        </section>
      )}
    </div>
  );
}
