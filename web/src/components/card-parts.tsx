// Pieces of a card: the phase badge with its timer, lookup status, link buttons, the one-line settled view.
import type { Card } from '../../../src/shared/messages.ts';
import { primaryMatch } from '../lib/cards.ts';
import { answeredByText, phaseLabel, rangWhileAway, ringingLines } from '../lib/card-text.ts';
import { dispositionLabel } from '../lib/dispositions.ts';
import { formatAgo, formatDuration } from '../lib/format.ts';
import { safeHttpUrl } from '../lib/urls.ts';

export function CompactSummary(props: { card: Card; onOpen: () => void }) {
  const { card } = props;
  const notes = card.notes;
  return (
    <div class="card-summary row">
      <span class="muted">ended {formatAgo(card.endedAt ?? card.startedAt, Date.now())}</span>
      {notes?.disposition && <span class="badge small">{dispositionLabel(notes.disposition)}</span>}
      {notes?.text ? (
        <span class="summary-notes" data-testid="card-summary-notes">
          {notes.text}
        </span>
      ) : (
        <span class="muted">no notes yet</span>
      )}
      <button type="button" class="link-button" data-testid="card-expand" onClick={props.onOpen}>
        Open
      </button>
    </div>
  );
}

export function PhaseBadge(props: { card: Card; now: number; myLineIds: ReadonlySet<string> }) {
  const { card, now } = props;
  const who = answeredByText(card, props.myLineIds);
  let detail: string;
  switch (card.phase) {
    case 'ringing': {
      const lines = ringingLines(card, props.myLineIds);
      detail = `${formatDuration(now - card.startedAt)}${lines ? ` · on ${lines}` : ''}`;
      break;
    }
    case 'connected':
      detail = `${card.answeredBy?.state === 'held' ? 'on hold · ' : ''}${formatDuration(now - (card.answeredAt ?? card.startedAt))}`;
      break;
    case 'ended':
      detail =
        card.answeredAt !== null && card.endedAt !== null
          ? `talked ${formatDuration(card.endedAt - card.answeredAt)}`
          : `rang ${formatDuration((card.endedAt ?? now) - card.startedAt)}`;
      break;
  }
  return (
    <div class="phase">
      <span
        class={`badge phase-badge ${card.phase} ${card.outcome ?? ''}`}
        data-testid="card-phase"
        data-phase={card.phase}
      >
        {phaseLabel(card)}
      </span>
      {who && (
        <span class="answered-by">
          by{' '}
          <strong data-testid="card-answered-by" class={who === 'you' ? 'you' : ''}>
            {who}
          </strong>
        </span>
      )}
      <span class="muted mono timer">{detail}</span>
      {rangWhileAway(card, props.myLineIds) && (
        <span class="muted" data-testid="card-rang-while-away">
          rang while screenpop was reconnecting
        </span>
      )}
    </div>
  );
}

export function LookupStatus(props: { card: Card }) {
  const { lookup, caller } = props.card;
  if (lookup.status === 'pending') {
    return (
      <span
        class="fact lookup pending"
        data-testid="card-lookup-status"
        data-status="pending"
        aria-live="polite"
      >
        Looking up caller…
      </span>
    );
  }
  const reason =
    lookup.matches.length === 0
      ? (lookup.unknownReason ?? (caller.withheld ? 'withheld' : 'no match'))
      : null;
  return (
    <span class="fact lookup muted" data-testid="card-lookup-status" data-status={lookup.status}>
      {reason ? `Unknown caller (${reason})` : ''}
      {lookup.status === 'partial' ? `${reason ? ' · ' : ''}some sources did not answer` : ''}
    </span>
  );
}

export function CardLinks(props: { card: Card }) {
  const record = safeHttpUrl(primaryMatch(props.card)?.contact.recordUrl);
  const links = props.card.links
    .map((l) => ({ label: l.label, url: safeHttpUrl(l.url) }))
    .filter((l): l is { label: string; url: string } => l.url !== null);
  if (!record && links.length === 0) {
    return null;
  }
  return (
    <nav class="card-links" aria-label="Open elsewhere">
      {record && (
        <a
          class="button secondary"
          href={record}
          target="_blank"
          rel="noopener noreferrer"
          data-testid="card-record-link"
        >
          Open record
        </a>
      )}
      {links.map((l) => (
        <a
          key={l.url + l.label}
          class="button secondary"
          href={l.url}
          target="_blank"
          rel="noopener noreferrer"
          data-testid="card-link"
        >
          {l.label}
        </a>
      ))}
    </nav>
  );
}
