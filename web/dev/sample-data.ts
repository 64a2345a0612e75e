// Sample agent, contacts, call log and cards for the dev harness (web/dev/harness.ts). Not product code.
import type { CallLogEntry, Contact, Me } from '../../src/shared/api.ts';
import type { Card, CardContact, CardMatch } from '../../src/shared/messages.ts';
import { makeCard } from '../src/lib/testing/cards.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const me: Me = {
  principal: 'maria@example.com',
  displayName: 'Maria Lopez',
  role: 'agent',
  lines: [
    { id: 'line-101', extension: '101', name: 'Maria (desk)' },
    { id: 'line-900', extension: '900', name: 'Support queue' },
  ],
  popLines: null,
  desktopNotifications: true,
};

function contact(id: string, name: string, over: Partial<Contact> = {}): Contact {
  return {
    id,
    name,
    company: null,
    email: null,
    tier: null,
    tags: [],
    notes: null,
    custom: {},
    phones: [],
    tickets: [],
    appointments: [],
    externalId: null,
    recordUrl: null,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}

export function sampleContacts(now: number): Contact[] {
  return [
    contact('k-dana', 'Dana Reyes', {
      company: 'Acme Logistics',
      email: 'dana@acme.example',
      tier: 'Gold',
      tags: ['vip'],
      phones: [{ raw: '+1 312 555 0140', e164: '+13125550140', label: 'mobile' }],
      tickets: [
        {
          id: 'T-4821',
          title: 'Invoice shows wrong VAT rate',
          status: 'open',
          url: 'https://crm.example/t/4821',
        },
        { id: 'T-4799', title: 'Portal login loop', status: 'waiting', url: 'javascript:alert(1)' },
      ],
      appointments: [{ at: now + 2 * HOUR, title: 'Quarterly review with account team' }],
      recordUrl: 'https://crm.example/c/dana',
    }),
    contact('k-sam', 'Sam Patel', {
      company: 'Northwind',
      tier: 'Silver',
      phones: [{ raw: '(312) 555-0177', e164: '+13125550177', label: 'office' }],
    }),
    contact('k-sasha', 'Sasha Patel', {
      company: 'Northwind',
      phones: [{ raw: '(312) 555-0177', e164: '+13125550177', label: 'front desk' }],
    }),
  ];
}

const toCardContact = (c: Contact): CardContact => ({
  id: c.id,
  name: c.name,
  company: c.company,
  email: c.email,
  tier: c.tier,
  tags: c.tags,
  recordUrl: c.recordUrl,
  tickets: c.tickets,
  appointments: c.appointments,
});

const matchOf = (c: Contact, reason = 'exact E.164', pinned = false): CardMatch => ({
  contact: toCardContact(c),
  score: 1,
  reason,
  pinned,
});

/** The scene: a VIP ringing (lookup still pending), a hostile caller ID, an ambiguous number on a call, two ended calls. */
export function sampleCards(now: number, contacts: readonly Contact[]): Card[] {
  const [dana, sam, sasha] = contacts as [Contact, Contact, Contact];
  const desk = { lineId: 'line-101', extension: '101', name: 'Maria (desk)' };
  return [
    makeCard({
      callId: 'call-dana',
      startedAt: now - 8_000,
      lines: [{ ...desk, state: 'ringing' }],
      caller: { display: '+1 312-555-0140', e164: '+13125550140', name: 'ACME LOGISTICS' },
      lookup: { status: 'pending', matches: [] },
    }),
    makeCard({
      callId: 'call-unknown',
      startedAt: now - 20_000,
      queue: 'Support',
      lines: [{ lineId: 'line-900', extension: '900', name: 'Support queue', state: 'ringing' }],
      caller: { display: '+44 20 7946 0000', e164: '+442079460000', name: '<img src=x onerror=alert(1)>' },
      lookup: { status: 'done', matches: [], unknownReason: 'no match' },
    }),
    makeCard({
      callId: 'call-patel',
      phase: 'connected',
      startedAt: now - 190_000,
      answeredAt: now - 171_000,
      answeredBy: { ...desk, state: 'connected' },
      lines: [{ ...desk, state: 'connected' }],
      caller: { display: '+1 312-555-0177', e164: '+13125550177', name: null },
      lookup: { status: 'done', matches: [matchOf(sam, 'exact E.164'), matchOf(sasha, 'exact E.164')] },
      history: { lastCall: null, callsLast30Days: 1 },
    }),
    makeCard({
      callId: 'call-missed',
      phase: 'ended',
      outcome: 'missed',
      startedAt: now - 40 * 60_000,
      endedAt: now - 40 * 60_000 + 25_000,
      caller: { display: 'Withheld', e164: null, name: null, withheld: true },
      lookup: { status: 'done', matches: [], unknownReason: 'withheld' },
    }),
    makeCard({
      callId: 'call-done',
      phase: 'ended',
      outcome: 'answered',
      startedAt: now - 2 * HOUR,
      answeredAt: now - 2 * HOUR + 9_000,
      endedAt: now - 2 * HOUR + 9_000 + 312_000,
      answeredBy: { lineId: 'line-205', extension: '205', name: 'Tom Becker', state: 'gone' },
      caller: { display: '+1 312-555-0140', e164: '+13125550140', name: null },
      lookup: { status: 'done', matches: [matchOf(dana)] },
      notes: { text: 'Sent corrected invoice.', disposition: 'resolved' },
      links: [{ label: 'Search CRM', url: 'https://crm.example/search?q=%2B13125550140' }],
    }),
  ];
}

/** The VIP card once the lookup answered: a contact, tickets, urgency, history. */
export function danaResolved(card: Card, contacts: readonly Contact[], now: number): Card {
  return {
    ...card,
    version: card.version + 1,
    lookup: { status: 'done', matches: [matchOf(contacts[0]!)], unknownReason: null },
    history: {
      lastCall: {
        callId: 'call-done',
        at: now - 2 * HOUR,
        outcome: 'answered',
        answeredByName: 'Tom Becker',
        notes: 'Sent corrected invoice.\nShe will check with finance and call back if VAT is still wrong.',
        disposition: 'follow-up',
      },
      callsLast30Days: 4,
    },
    urgency: { level: 'urgent', reason: '3rd call today, open ticket' },
    links: [
      { label: 'Open ticket T-4821', url: 'https://crm.example/t/4821' },
      { label: 'Evil', url: 'javascript:alert(1)' },
    ],
  };
}

export function sampleCallLog(now: number): CallLogEntry[] {
  const base = {
    direction: 'inbound' as const,
    withheld: false,
    dialed: '+13125550100',
    lineIds: ['line-101'],
    contactId: null,
    notesBy: null,
    notesAt: null,
  };
  return Array.from({ length: 12 }, (_, i) => ({
    ...base,
    callId: `log-${i}`,
    callerE164: `+1312555${String(140 + i).padStart(4, '0')}`,
    callerRaw: `+1 312-555-${String(140 + i).padStart(4, '0')}`,
    callerName: i % 3 === 0 ? null : ['Dana Reyes', 'Sam Patel', 'Lee Wong', 'Ana Costa'][i % 4]!,
    answeredBy: i % 4 === 1 ? null : 'line-101',
    answeredByName: i % 4 === 1 ? null : 'Maria Lopez',
    startedAt: now - i * 5 * HOUR - DAY * Math.floor(i / 5),
    answeredAt: i % 4 === 1 ? null : now - i * 5 * HOUR + 8_000,
    endedAt: now - i * 5 * HOUR + 200_000,
    outcome: i % 4 === 1 ? ('missed' as const) : ('answered' as const),
    notes: i % 2 === 0 ? `Follow-up about order #${1000 + i}.` : null,
    disposition: i % 2 === 0 ? 'follow-up' : null,
  }));
}
