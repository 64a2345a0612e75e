// Which source each fact on the card came from: the match's source (screenpop's contacts or a CRM provider), who
// pinned it, and the call log for the history.
import type { CardMatch } from '../../../src/shared/messages.ts';

/** "from HubSpot"-style label of the contact's source; null for cards from before sources were sent. */
export function matchSourceLabel(match: CardMatch): string | null {
  if (match.source === undefined) {
    return null;
  }
  const from = match.source === 'store' ? 'screenpop contacts' : match.source;
  if (match.pinned && match.pinnedBy) {
    return `from ${from}, pinned by ${match.pinnedBy}`;
  }
  return `from ${from}`;
}

/** The tooltip: what the label covers. */
export function matchSourceTitle(match: CardMatch): string {
  const label = matchSourceLabel(match);
  return label === null ? '' : `Contact, tickets and appointments ${label}`;
}

export const HISTORY_SOURCE = 'from the call log';
