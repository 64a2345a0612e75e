// One live call card: who is calling, what we know about them, the call's phase, and what to do next.
import { useState } from 'preact/hooks';
import type { Card } from '../../../src/shared/messages.ts';
import { canCreateContact, needsPicker, primaryMatch } from '../lib/cards.ts';
import { answeredByText, phaseLabel, ringingLines } from '../lib/card-text.ts';
import { formatDuration, plural } from '../lib/format.ts';
import { safeHttpUrl } from '../lib/urls.ts';
import { CardDetails } from './card-details.tsx';
import { CreateContactForm } from './create-contact-form.tsx';
import { MatchPicker } from './match-picker.tsx';
import { NotesForm } from './notes-form.tsx';

export function CardView(props: {
  card: Card;
  now: number;
  myLineIds: ReadonlySet<string>;
  onDismiss: () => void;
}) {
  const { card, now, myLineIds } = props;
  const match = primaryMatch(card);
  const [picking, setPicking] = useState(false);
  const name = match?.contact.name ?? card.caller.name ?? card.caller.display;
  const showNumber = name !== card.caller.display;
  const callerIdDiffers = match && card.caller.name && card.caller.name !== match.contact.name;

  return (
    <article
      class={`card phase-${card.phase} urgency-${card.urgency.level}`}
      data-testid={`card-${card.callId}`}
      data-phase={card.phase}
      data-outcome={card.outcome ?? ''}
      data-version={card.version}
      id={`card-${card.callId}`}
      tabIndex={-1}
      aria-label={`${phaseLabel(card)} call from ${name}`}
    >
      <header class="card-head">
        <div class="card-who">
          <h2 class="caller-name" data-testid="card-caller-name">
            {name}
          </h2>
          <div class="caller-sub">
            {showNumber && (
              <span class="mono" data-testid="card-caller-number">
                {card.caller.display}
              </span>
            )}
            {callerIdDiffers && (
              <span class="muted" data-testid="card-caller-id">
                Caller ID: {card.caller.name}
              </span>
            )}
            {card.queue ? (
              <span class="muted">via {card.queue}</span>
            ) : (
              card.dialed && <span class="muted">to {card.dialed}</span>
            )}
            {card.direction !== 'inbound' && <span class="badge small">{card.direction}</span>}
          </div>
        </div>
        <PhaseBadge card={card} now={now} myLineIds={myLineIds} />
        {card.phase === 'ended' && (
          <button
            type="button"
            class="icon-button dismiss"
            data-testid="card-dismiss"
            aria-label="Dismiss this card"
            title="Dismiss (stays in History)"
            onClick={props.onDismiss}
          >
            ×
          </button>
        )}
      </header>

      <div class="card-facts">
        {card.urgency.level !== 'none' && (
          <span
            class={`badge urgency ${card.urgency.level}`}
            data-testid="card-urgency"
            data-level={card.urgency.level}
          >
            {card.urgency.level === 'urgent' ? 'Urgent' : 'Attention'}
            {card.urgency.reason ? ` · ${card.urgency.reason}` : ''}
          </span>
        )}
        {match?.contact.company && (
          <span class="fact" data-testid="card-company">
            {match.contact.company}
          </span>
        )}
        {match?.contact.tier && (
          <span class="badge tier" data-testid="card-tier">
            {match.contact.tier}
          </span>
        )}
        {match && (
          <span class="fact muted" data-testid="card-match-reason">
            {match.pinned ? 'pinned' : `matched: ${match.reason}`}
          </span>
        )}
        <LookupStatus card={card} />
        <span class="fact muted" data-testid="card-calls-30d">
          {plural(card.history.callsLast30Days, 'call')} in 30 days
        </span>
      </div>

      <CardDetails card={card} now={now} />

      <CardLinks card={card} />

      {(needsPicker(card) || picking) && card.lookup.matches.length > 1 && (
        <MatchPicker card={card} onDone={() => setPicking(false)} />
      )}
      {!needsPicker(card) && !picking && card.lookup.matches.length > 1 && card.caller.e164 && (
        <button type="button" class="link-button" data-testid="match-change" onClick={() => setPicking(true)}>
          Not {match?.contact.name}? Choose another contact
        </button>
      )}
      {canCreateContact(card) && <CreateContactForm card={card} />}
      {card.phase !== 'ringing' && <NotesForm card={card} />}
    </article>
  );
}

function PhaseBadge(props: { card: Card; now: number; myLineIds: ReadonlySet<string> }) {
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
      detail = formatDuration(now - (card.answeredAt ?? card.startedAt));
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
    </div>
  );
}

function LookupStatus(props: { card: Card }) {
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

function CardLinks(props: { card: Card }) {
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
