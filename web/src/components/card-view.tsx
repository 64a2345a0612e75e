// One live call card: who is calling, what we know about them, the call's phase, and what to do next.
import { useState } from 'preact/hooks';
import type { Card } from '../../../src/shared/messages.ts';
import { canCreateContact, isSettled, needsPicker, primaryMatch } from '../lib/cards.ts';
import { phaseLabel } from '../lib/card-text.ts';
import { plural } from '../lib/format.ts';
import { CardDetails } from './card-details.tsx';
import { CardLinks, CompactSummary, LookupStatus, PhaseBadge } from './card-parts.tsx';
import { CreateContactForm } from './create-contact-form.tsx';
import { MatchPicker } from './match-picker.tsx';
import { matchSourceLabel, matchSourceTitle } from '../lib/source-label.ts';
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
  // Once the agent opens or works in a settled card it stays open (no collapsing under their cursor).
  const [opened, setOpened] = useState(false);
  const compact = !opened && isSettled(card, Date.now(), myLineIds);
  const name = match?.contact.name ?? card.caller.name ?? card.caller.display;
  const showNumber = name !== card.caller.display;
  const callerIdDiffers = match && card.caller.name && card.caller.name !== match.contact.name;

  return (
    <article
      class={`card phase-${card.phase} urgency-${card.urgency.level}${compact ? ' compact' : ''}`}
      data-testid={`card-${card.callId}`}
      data-phase={card.phase}
      data-outcome={card.outcome ?? ''}
      data-version={card.version}
      id={`card-${card.callId}`}
      tabIndex={-1}
      aria-label={`${phaseLabel(card)} call from ${name}`}
      onFocusIn={(e) => {
        if (e.target !== e.currentTarget) {
          setOpened(true);
        }
      }}
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

      {compact ? (
        <CompactSummary card={card} onOpen={() => setOpened(true)} />
      ) : (
        <CardBody card={card} now={now} picking={picking} setPicking={setPicking} />
      )}
    </article>
  );
}

function CardBody(props: { card: Card; now: number; picking: boolean; setPicking: (v: boolean) => void }) {
  const { card, now, picking, setPicking } = props;
  const match = primaryMatch(card);
  return (
    <>
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
        {match && matchSourceLabel(match) !== null && (
          <span class="source-label" data-testid="card-source" title={matchSourceTitle(match)}>
            {matchSourceLabel(match)}
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
    </>
  );
}
