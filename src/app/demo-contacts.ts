// Generated demo contacts: a few hundred people with companies, tiers, tickets and appointments, on numbers the
// demo traffic calls. Deterministic (seeded), so the same demo shows the same people every time.
import type { ContactInput } from '../shared/api.ts';
import { seededRandom } from '../util/seeded-random.ts';

const FIRST = [
  'Ava',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Keira',
  'Luis',
  'Maya',
  'Noah',
  'Olga',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wes',
  'Xena',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Abbott',
  'Becker',
  'Castillo',
  'Dimitrov',
  'Eriksen',
  'Fournier',
  'Goldberg',
  'Haddad',
  'Ibarra',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quintero',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Underwood',
  'Varga',
  'Whitaker',
  'Yilmaz',
  'Zimmer',
];
const COMPANIES = [
  'Lakeshore Bakery',
  'Fulton Dental',
  'Wicker Park Lofts',
  'Midway Logistics',
  'Harbor Fitness',
  'Pilsen Print Co.',
  'Oak Brook Realty',
  'Riverside Clinic',
  'Loop Legal LLP',
  'Evanston Books',
  null,
  null,
];
const TIERS = ['Platinum', 'Gold', 'Silver', 'Bronze', null];
const ISSUES = [
  'Dishwasher not draining',
  'Fridge ice maker leaking',
  'Oven will not heat',
  'Washer error E21',
  'Dryer squeaks',
  'Warranty question',
  'Invoice dispute',
  'Install appointment change',
];
const AREAS = ['708', '773', '847', '630'];

/**
 * Known callers: +1 AREA 555 1NNN. The last seven digits differ for every contact, so the store's "last digits"
 * match never mixes two demo contacts up (only SHARED_NUMBER is shared, on purpose).
 */
export function knownNumber(index: number): string {
  const area = AREAS[index % AREAS.length] ?? '708';
  return `+1${area}555${1000 + (index % 1000)}`;
}

/** Callers nobody has on file: +1 917 555 20NN (no contact's last seven digits). */
export function unknownNumber(index: number): string {
  return `+1917555${2000 + (index % 100)}`;
}

/** Two contacts share this number (a family line), so the card offers a pick. */
export const SHARED_NUMBER = '+12125550142';

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function contact(index: number, random: () => number, now: number): ContactInput {
  const first = pick(random, FIRST);
  const last = pick(random, LAST);
  const company = pick(random, COMPANIES);
  const ticketCount = random() < 0.4 ? 1 + Math.floor(random() * 2) : 0;
  const tickets = Array.from({ length: ticketCount }, (_, t) => ({
    id: `T-${4000 + index * 3 + t}`,
    title: pick(random, ISSUES),
    status: pick(random, ['open', 'waiting on customer', 'scheduled']),
    url: null,
  }));
  const appointments =
    random() < 0.3
      ? [{ at: now + Math.floor(1 + random() * 10) * 86_400_000, title: 'Technician visit' }]
      : [];
  return {
    name: `${first} ${last}`,
    company,
    email: `${first}.${last}${index}@example.com`.toLowerCase(),
    tier: pick(random, TIERS),
    tags: random() < 0.2 ? ['vip'] : [],
    phones: [{ raw: knownNumber(index), label: company === null ? 'mobile' : 'work' }],
    tickets,
    appointments,
    externalId: `demo-${index}`,
    recordUrl: null,
  };
}

/** `count` generated contacts plus the two that share SHARED_NUMBER. */
export function demoContacts(count: number, now: number): ContactInput[] {
  const random = seededRandom(20261124);
  const people = Array.from({ length: count }, (_, i) => contact(i, random, now));
  const family = ['Marta Ruiz', 'Diego Ruiz'].map((name, i) => ({
    name,
    company: null,
    email: null,
    tier: 'Silver',
    phones: [{ raw: SHARED_NUMBER, label: 'home' }],
    externalId: `demo-family-${i}`,
  }));
  return [...people, ...family];
}
