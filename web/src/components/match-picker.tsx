// Several contacts share the caller's number: the agent picks one, and the pin holds for everyone.
import { useState } from 'preact/hooks';
import type { PinBody } from '../../../src/shared/api.ts';
import type { Card } from '../../../src/shared/messages.ts';
import { api, errorText } from '../api.ts';

export function MatchPicker(props: { card: Card; onDone: () => void }) {
  const { card } = props;
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const e164 = card.caller.e164;

  const choose = async (contactId: string): Promise<void> => {
    if (!e164) {
      return;
    }
    setBusy(contactId);
    setError(null);
    try {
      const body: PinBody = { e164, contactId };
      await api<void>('POST', '/api/pins', body);
      props.onDone(); // the server pushes the card again with the pinned match
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  // Arrow keys move between options; Tab still leaves the group.
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') {
      return;
    }
    const buttons = [
      ...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button.option'),
    ];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[(at + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length];
    next?.focus();
    e.preventDefault();
  };

  return (
    <section class="picker" data-testid="match-picker" aria-label="Choose the caller">
      <h3>{card.lookup.matches.length} contacts share this number — who is it?</h3>
      <ul role="list" onKeyDown={onKeyDown}>
        {card.lookup.matches.map((m) => (
          <li key={m.contact.id}>
            <button
              type="button"
              class={`option ${m.pinned ? 'chosen' : ''}`}
              data-testid={`match-option-${m.contact.id}`}
              disabled={!e164 || busy !== null}
              aria-pressed={m.pinned}
              onClick={() => void choose(m.contact.id)}
            >
              <strong>{m.contact.name}</strong>
              <span class="muted">
                {[m.contact.company, m.contact.tier, m.reason].filter(Boolean).join(' · ')}
              </span>
              {busy === m.contact.id && <span class="muted"> saving…</span>}
            </button>
          </li>
        ))}
      </ul>
      {!e164 && <p class="muted">This number cannot be pinned.</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
