// Which CRM contact a call's record is written for: the card's pinned or single best match, when it came from that
// CRM; else that CRM's only match; else none (the writer logs it unassociated, or skips).
import type { CrmCallRecord } from '../lookup/providers/call-record.ts';
import type { Card, CardMatch } from '../shared/messages.ts';

/** Provider contacts have ids "provider:<name>:<externalId>" (or "…:<e164>#<n>" when the CRM gave no id). */
function fromProvider(match: CardMatch, provider: string): CrmCallRecord['contact'] | undefined {
  const prefix = `provider:${provider}:`;
  if (!match.contact.id.startsWith(prefix)) {
    return undefined;
  }
  const rest = match.contact.id.slice(prefix.length);
  const externalId = /^\+\d+#\d+$/.test(rest) ? null : rest;
  return { externalId, name: match.contact.name };
}

/** The contact the card showed: the pinned match, else the single best one; null when none, or a tie at the top. */
function shown(card: Card): CardMatch | null {
  const matches = card.lookup.matches;
  const pinned = matches.find((m) => m.pinned);
  if (pinned !== undefined) {
    return pinned;
  }
  const top = Math.max(...matches.map((m) => m.score));
  const best = matches.filter((m) => m.score === top);
  return best.length === 1 ? (best[0] ?? null) : null;
}

export function crmContact(card: Card, provider: string): CrmCallRecord['contact'] {
  const chosen = shown(card);
  const contact = chosen === null ? undefined : fromProvider(chosen, provider);
  if (contact !== undefined) {
    return contact;
  }
  const theirs = card.lookup.matches.flatMap((m) => fromProvider(m, provider) ?? []);
  return theirs.length === 1 ? (theirs[0] ?? null) : null;
}
