// The live page: every current and recent call card, ringing ones on top.
import { useEffect, useState } from 'preact/hooks';
import type { Me } from '../../../src/shared/api.ts';
import { CardView } from '../components/card-view.tsx';
import { orderCards } from '../lib/cards.ts';
import type { CardMap } from '../lib/cards.ts';

/** Re-renders every second while a timer is visible. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) {
      return;
    }
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function LivePage(props: {
  cards: CardMap;
  me: Me;
  myLineIds: ReadonlySet<string>;
  dismissed: ReadonlySet<string>;
  onDismiss: (callIds: readonly string[]) => void;
}) {
  const ordered = orderCards(props.cards.values()).filter((c) => !props.dismissed.has(c.callId));
  const ended = ordered.filter((c) => c.phase === 'ended').map((c) => c.callId);
  const now = useNow(ordered.some((c) => c.phase !== 'ended'));
  if (ordered.length === 0) {
    const lines = props.me.popLines;
    return (
      <section class="empty" data-testid="live-empty">
        <h1>No calls right now</h1>
        <p>
          A card appears here the moment a call rings{' '}
          {lines === null ? 'any of your lines' : 'a line you chose'}.
        </p>
        <p class="muted">
          Press <kbd>?</kbd> for keyboard shortcuts.
        </p>
      </section>
    );
  }
  return (
    <section class="cards" aria-label="Calls">
      {ordered.map((card) => (
        <CardView
          key={card.callId}
          card={card}
          now={now}
          myLineIds={props.myLineIds}
          onDismiss={() => props.onDismiss([card.callId])}
        />
      ))}
      {ended.length > 1 && (
        <button
          type="button"
          class="link-button clear-ended"
          data-testid="live-clear-ended"
          onClick={() => props.onDismiss(ended)}
        >
          Clear {ended.length} ended calls (they stay in History)
        </button>
      )}
    </section>
  );
}
