// Store matching: a caller's number → every contact whose phone shares a key, scored and explained.
import { unusableNumber } from '../calls/external-party.ts';
import type { NormalizedNumber } from '../phone/phone.ts';
import type { ContactStore, PhoneHit, PhoneKeys, PinStore } from './ports.ts';
import type { Contact, Match, MatchReason, UnknownReason } from './types.ts';

/** Scores per key kind: an exact E.164 match beats a national one, which beats a last-digits one. */
const SCORE: Record<Exclude<MatchReason, 'provider'>, number> = {
  pinned: 1,
  'exact-e164': 1,
  'national-number': 0.8,
  'last-digits': 0.5,
};

/** Why a number cannot be looked up at all, or null when it can. */
export function unusableReason(n: NormalizedNumber): UnknownReason | null {
  return unusableNumber(n);
}

export function phoneKeys(n: NormalizedNumber): PhoneKeys {
  return { e164: n.e164, national: n.national, suffix: n.suffix };
}

interface Ranked {
  readonly reason: Exclude<MatchReason, 'pinned' | 'provider'>;
  readonly score: number;
}

function rankHit(keys: PhoneKeys, hit: PhoneHit): Ranked | null {
  if (keys.e164 !== null && hit.e164 === keys.e164) {
    return { reason: 'exact-e164', score: SCORE['exact-e164'] };
  }
  if (keys.national !== null && hit.national === keys.national) {
    return { reason: 'national-number', score: SCORE['national-number'] };
  }
  if (keys.suffix !== null && hit.suffix === keys.suffix) {
    return { reason: 'last-digits', score: SCORE['last-digits'] };
  }
  return null;
}

/** The best key each contact matched on (a contact with two phones counts once). */
export function bestPerContact(keys: PhoneKeys, hits: readonly PhoneHit[]): Map<string, Ranked> {
  const best = new Map<string, Ranked>();
  for (const hit of hits) {
    const ranked = rankHit(keys, hit);
    const seen = best.get(hit.contactId);
    if (ranked !== null && (seen === undefined || ranked.score > seen.score)) {
      best.set(hit.contactId, ranked);
    }
  }
  return best;
}

function reasonText(reason: Ranked['reason'], suffixDigits: number): string {
  switch (reason) {
    case 'exact-e164':
      return 'exact E.164';
    case 'national-number':
      return 'national number';
    case 'last-digits':
      return `last ${suffixDigits} digits`;
  }
}

export interface Pin {
  readonly contactId: string;
  readonly by: string;
}

/** Pure: hits + contacts (+ a pin) → matches, pinned first, then by score, then by name. */
export function rankMatches(
  keys: PhoneKeys,
  hits: readonly PhoneHit[],
  contacts: readonly Contact[],
  pin: Pin | null,
  suffixDigits: number,
): Match[] {
  const best = bestPerContact(keys, hits);
  const matches: Match[] = [];
  for (const contact of contacts) {
    if (pin !== null && contact.id === pin.contactId) {
      matches.push({
        contact,
        score: SCORE.pinned,
        reason: 'pinned',
        reasonText: 'pinned',
        source: 'store',
        pinnedBy: pin.by,
      });
      continue;
    }
    const ranked = best.get(contact.id);
    if (ranked !== undefined) {
      const text = reasonText(ranked.reason, suffixDigits);
      matches.push({
        contact,
        score: ranked.score,
        reason: ranked.reason,
        reasonText: text,
        source: 'store',
      });
    }
  }
  return matches.sort(compareMatches);
}

/** Pinned first, then higher score, then name (stable, so the card does not reshuffle between updates). */
export function compareMatches(a: Match, b: Match): number {
  const pinned = Number(b.reason === 'pinned') - Number(a.reason === 'pinned');
  if (pinned !== 0) {
    return pinned;
  }
  return (
    b.score - a.score ||
    a.contact.name.localeCompare(b.contact.name) ||
    a.contact.id.localeCompare(b.contact.id)
  );
}

export interface StoreMatch {
  readonly matches: Match[];
  /** The number's pin, also when it names a provider contact the store does not hold. */
  readonly pin: Pin | null;
}

export interface StoreMatcher {
  match(n: NormalizedNumber): Promise<StoreMatch>;
}

type MatcherContacts = Pick<ContactStore, 'findPhones' | 'getMany' | 'findContactsByPhone'>;

/**
 * Matches over the contact store and the shared pins: one phones ⋈ contacts query when the store has it
 * (else a phone-key query and a batch fetch), and one pin read.
 */
export function createStoreMatcher(
  contacts: MatcherContacts,
  pins: Pick<PinStore, 'getPin'>,
  suffixDigits: number,
): StoreMatcher {
  const joined = contacts.findContactsByPhone?.bind(contacts);
  return {
    // Not async: returning the inner promise itself saves the extra ticks an async wrapper would add.
    match(n) {
      if (unusableReason(n) !== null) {
        return Promise.resolve({ matches: [], pin: null });
      }
      const keys = phoneKeys(n);
      return joined === undefined
        ? matchInTwoQueries(contacts, pins, keys, suffixDigits)
        : matchJoined(joined, contacts, pins, keys, suffixDigits);
    },
  };
}

async function matchJoined(
  joined: NonNullable<ContactStore['findContactsByPhone']>,
  contacts: MatcherContacts,
  pins: Pick<PinStore, 'getPin'>,
  keys: PhoneKeys,
  suffixDigits: number,
): Promise<StoreMatch> {
  // Two awaits, not Promise.all: both answer from SQLite synchronously, and the array costs more than it saves.
  const { hits, contacts: found } = await joined(keys);
  const pin = await pins.getPin(keys.e164 ?? '');
  let all = found;
  if (pin !== null && !found.some((c) => c.id === pin.contactId)) {
    // A pinned contact whose phones no longer match; a pin to a deleted contact simply finds nothing.
    all = [...found, ...(await contacts.getMany([pin.contactId]))];
  }
  if (all.length === 0) {
    return { matches: [], pin };
  }
  return { matches: rankMatches(keys, hits, all, pin, suffixDigits), pin };
}

async function matchInTwoQueries(
  contacts: MatcherContacts,
  pins: Pick<PinStore, 'getPin'>,
  keys: PhoneKeys,
  suffixDigits: number,
): Promise<StoreMatch> {
  const hits = await contacts.findPhones(keys);
  const pin = await pins.getPin(keys.e164 ?? '');
  const ids = new Set(hits.map((h) => h.contactId));
  if (pin !== null) {
    ids.add(pin.contactId);
  }
  if (ids.size === 0) {
    return { matches: [], pin };
  }
  // A pin to a deleted contact simply finds nothing: getMany skips missing ids.
  const found = await contacts.getMany([...ids]);
  return { matches: rankMatches(keys, hits, found, pin, suffixDigits), pin };
}
