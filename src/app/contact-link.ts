// Links an ended call's log entry to the contact its card showed, once the tracker has written the call
// (it writes after a settle delay, so the link waits for that call's row like notes-hook does).
import type { CallLogStore, PinStore } from '../lookup/ports.ts';
import type { Card } from '../shared/messages.ts';
import { RecencyMap } from '../util/bounded.ts';

/** The contact a card showed: the pinned match, else the single best one; null when none, or a tie at the top. */
export function shownContactId(card: Card): string | null {
  const matches = card.lookup.matches;
  const pinned = matches.find((m) => m.pinned);
  if (pinned !== undefined) {
    return pinned.contact.id;
  }
  const top = Math.max(...matches.map((m) => m.score));
  const best = matches.filter((m) => m.score === top);
  return best.length === 1 ? (best[0]?.contact.id ?? null) : null;
}

export interface ContactLinkDeps {
  readonly callLog: Pick<CallLogStore, 'linkContact'>;
  readonly pins: Pick<PinStore, 'getPin'>;
  /** Resolves once this call's row is in the call log (CallTracker.written): one row, not the whole queue. */
  readonly logged: (callId: string) => Promise<void>;
  readonly log: { warn(fields: object, message: string): void };
}

// Calls whose link was decided, so the cards published after the end (notes, late lookups) do not relink.
const REMEMBERED = 2_000;

export class ContactLinker {
  private readonly decided = new RecencyMap<string, string>(REMEMBERED);
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: ContactLinkDeps) {}

  /** PopService's `published` hook: acts on ended cards whose lookup has answered. */
  cardPublished(card: Card): void {
    if (card.phase !== 'ended' || card.lookup.status === 'pending') {
      return;
    }
    const work = this.link(card)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error, callId: card.callId }, 'contact link failed'),
      )
      .finally(() => this.running.delete(work));
    this.running.add(work);
  }

  /** Resolves once every link started so far is written (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.all([...this.running]);
    }
  }

  private async link(card: Card): Promise<void> {
    // Ambiguous on the card: an agent may have pinned the number during the call (the pin route only
    // back-fills calls already in the log, and this one was not yet).
    const contactId =
      shownContactId(card) ??
      (card.caller.e164 === null
        ? null
        : ((await this.deps.pins.getPin(card.caller.e164))?.contactId ?? null));
    if (contactId === null || this.decided.get(card.callId) === contactId) {
      return;
    }
    this.remember(card.callId, contactId);
    await this.deps.logged(card.callId);
    await this.deps.callLog.linkContact(card.callId, contactId);
  }

  private remember(callId: string, contactId: string): void {
    this.decided.set(callId, contactId);
  }
}
