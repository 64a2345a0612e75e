// Store and provider matches in one list: a provider's copy of a stored contact enriches it instead of repeating it.
import { compareMatches } from './matcher.ts';
import type { Pin } from './matcher.ts';
import type { ProviderRun } from './provider-runner.ts';
import type { Contact, Match } from './types.ts';

/** Provider matches rank between an exact store match (1) and a national one (0.8): found by the full number. */
export const PROVIDER_SCORE = 0.9;

function sameName(a: Contact, b: Contact): boolean {
  return a.name.trim().toLowerCase() === b.name.trim().toLowerCase();
}

/**
 * A contact imported from the CRM and the CRM's live answer are one person when externalId and name agree:
 * keep the stored match (its score, reason and pin) and take the CRM's live tickets, appointments and tier.
 */
function enrich(stored: Contact, live: Contact): Contact {
  return {
    ...stored,
    tier: live.tier ?? stored.tier,
    recordUrl: stored.recordUrl ?? live.recordUrl,
    tickets: live.tickets.length > 0 ? live.tickets : stored.tickets,
    appointments: live.appointments.length > 0 ? live.appointments : stored.appointments,
  };
}

function providerMatch(contact: Contact, provider: string, pin: Pin | null): Match {
  if (pin !== null && contact.id === pin.contactId) {
    return { contact, score: 1, reason: 'pinned', reasonText: 'pinned', source: provider, pinnedBy: pin.by };
  }
  return {
    contact,
    score: PROVIDER_SCORE,
    reason: 'provider',
    reasonText: `from ${provider}`,
    source: provider,
  };
}

export function mergeMatches(
  store: { readonly matches: readonly Match[]; readonly pin: Pin | null },
  runs: readonly ProviderRun[],
): Match[] {
  const order = [...runs].sort((a, b) => a.provider.priority - b.provider.priority);
  const rank = new Map(order.map((r, i) => [r.provider.name, i + 1]));
  const stored = [...store.matches];
  const byExternalId = new Map<string, number>();
  stored.forEach((m, i) => {
    if (m.contact.externalId !== null) {
      byExternalId.set(m.contact.externalId, i);
    }
  });
  const fromProviders: Match[] = [];
  for (const run of order) {
    for (const contact of run.contacts) {
      const at = contact.externalId === null ? undefined : byExternalId.get(contact.externalId);
      const twin = at === undefined ? undefined : stored[at];
      if (at !== undefined && twin !== undefined && sameName(twin.contact, contact)) {
        stored[at] = { ...twin, contact: enrich(twin.contact, contact) };
        continue;
      }
      fromProviders.push(providerMatch(contact, run.provider.name, store.pin));
    }
  }
  const sourceRank = (m: Match): number => rank.get(m.source) ?? 0;
  return [...stored, ...fromProviders].sort(
    (a, b) => compareBySource(a, b, sourceRank) || compareMatches(a, b),
  );
}

/** Among equally scored, unpinned matches: the store first, then providers by priority. */
function compareBySource(a: Match, b: Match, sourceRank: (m: Match) => number): number {
  const pinned = Number(b.reason === 'pinned') - Number(a.reason === 'pinned');
  if (pinned !== 0 || a.score !== b.score) {
    return 0; // compareMatches decides
  }
  return sourceRank(a) - sourceRank(b);
}
