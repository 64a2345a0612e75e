// A curated call history for demo mode: returning callers with notes an agent would write, so the first cards show
// what screenpop remembers (last call, last notes, repeat-call urgency) instead of "0 calls in 30 days".
import type { Call } from '../calls/types.ts';
import type { CallLogStore, ContactStore } from '../lookup/ports.ts';
import { knownNumber, unknownNumber } from './demo-contacts.ts';
import { QUEUE_DID } from './demo-traffic.ts';

/** The simulator's lines the history names as answering (src/simulator/directory/default.json). */
export interface DemoLine {
  readonly id: string;
  readonly extension: string;
  readonly name: string;
  /** The principal of the line's user, who signs the notes. */
  readonly email: string;
}

interface PastCall {
  readonly minutesAgo: number;
  /** Extension that answered; null: nobody did (missed). */
  readonly answeredBy: string | null;
  readonly talkMinutes?: number;
  readonly notes?: string;
  readonly disposition?: string;
}

interface Story {
  /** Index of the generated demo contact (externalId demo-N); null: a caller nobody has on file. */
  readonly contact: number | null;
  readonly number: string;
  /** Caller-ID (CNAM) as the carrier sends it. */
  readonly callerId: string;
  readonly calls: readonly PastCall[];
}

const MINUTE = 60_000;
const DAY = 1_440;

/**
 * The stories. Contacts 3–9, 11 and 15 are left without history: the browser tests call them and expect a first
 * call. REPEAT_CALLER's last two calls fall inside the default repeat-calls window (3 calls in 60 minutes), so
 * calling it again is urgent.
 */
const STORIES: readonly Story[] = [
  {
    contact: 20,
    number: knownNumber(20),
    callerId: 'OAK BROOK REALTY',
    calls: [
      {
        minutesAgo: 6 * DAY + 95,
        answeredBy: '2103',
        talkMinutes: 7,
        notes:
          'Ice maker leaking onto the kitchen floor of unit 4B. Talked him through closing the supply valve; technician booked for Thursday 8–10.',
        disposition: 'follow-up',
      },
      { minutesAgo: 48, answeredBy: null },
      {
        minutesAgo: 31,
        answeredBy: '2102',
        talkMinutes: 4,
        notes:
          'Leak is back since the valve was reopened. Ordered a new inlet valve; promised a call back within the hour with a delivery date.',
        disposition: 'callback',
      },
    ],
  },
  {
    contact: 2,
    number: knownNumber(2),
    callerId: 'LAKESHORE BAKERY',
    calls: [
      {
        minutesAgo: 12 * DAY + 310,
        answeredBy: '2104',
        talkMinutes: 9,
        notes:
          'Dishwasher not draining mid-shift. Filter and air gap are clear, so it is the pump; visit scheduled.',
        disposition: 'follow-up',
      },
      {
        minutesAgo: 2 * DAY + 140,
        answeredBy: '2102',
        talkMinutes: 3,
        notes:
          'Confirmed the technician visit. Wants a call 30 minutes before arrival; the dryer squeak can wait for the same visit.',
        disposition: 'resolved',
      },
    ],
  },
  {
    contact: 26,
    number: knownNumber(26),
    callerId: 'HARBOR FITNESS',
    calls: [
      {
        minutesAgo: 9 * DAY + 200,
        answeredBy: '2103',
        talkMinutes: 6,
        notes:
          'Charged twice for the ice maker repair (invoice INV-88213). Sent to billing; refund in 5–7 business days.',
        disposition: 'follow-up',
      },
      { minutesAgo: DAY + 75, answeredBy: null },
    ],
  },
  {
    contact: 24,
    number: knownNumber(24),
    callerId: 'UNDERWOOD PAVEL',
    calls: [
      {
        minutesAgo: 3 * DAY + 60,
        answeredBy: '2105',
        talkMinutes: 5,
        notes:
          'Washer shows E21 (drain pump). Pump replacement booked; he will leave the side door open for the technician.',
        disposition: 'resolved',
      },
    ],
  },
  {
    contact: 1,
    number: knownNumber(1),
    callerId: 'EVANSTON BOOKS',
    calls: [
      { minutesAgo: 5 * DAY + 30, answeredBy: null },
      {
        minutesAgo: 4 * DAY + 400,
        answeredBy: '2102',
        talkMinutes: 8,
        notes:
          'Oven will not heat, most likely the bake element. Asked for a photo of the rating plate before we order the part.',
        disposition: 'follow-up',
      },
    ],
  },
  {
    contact: 29,
    number: knownNumber(29),
    callerId: 'QUINTERO INES',
    calls: [
      {
        minutesAgo: 20 * DAY + 90,
        answeredBy: '2101',
        talkMinutes: 4,
        notes:
          'Moved the install to the 14th at her request; the building needs the freight elevator booked a week ahead.',
        disposition: 'resolved',
      },
    ],
  },
  {
    contact: 17,
    number: knownNumber(17),
    callerId: 'KOWALSKI AVA',
    calls: [
      {
        minutesAgo: 2 * DAY + 20,
        answeredBy: '2104',
        talkMinutes: 5,
        notes:
          'Warranty question on a 2023 dryer: the extended plan covers parts, not labour. Emailed her the terms.',
        disposition: 'resolved',
      },
    ],
  },
  {
    contact: null,
    number: unknownNumber(42),
    callerId: 'CHICAGO IL',
    calls: [
      {
        minutesAgo: 3 * DAY + 15,
        answeredBy: '2103',
        talkMinutes: 1,
        notes: 'Wrong number: looking for the pharmacy next door.',
        disposition: 'wrong-number',
      },
    ],
  },
];

/** The demo caller whose next call is its 3rd in the hour (urgent under the default rules). */
export const REPEAT_CALLER = { contact: 20, number: knownNumber(20), callerId: 'OAK BROOK REALTY' } as const;

function endedCall(
  story: Story,
  past: PastCall,
  index: number,
  lines: readonly DemoLine[],
  now: number,
): Call {
  const startedAt = now - past.minutesAgo * MINUTE;
  const line = lines.find((l) => l.extension === past.answeredBy) ?? null;
  const answeredAt = line === null ? null : startedAt + 12_000;
  const endedAt = (answeredAt ?? startedAt) + (past.talkMinutes ?? 0.5) * MINUTE;
  return {
    id: `demo-history-${story.number.slice(1)}-${index}`,
    source: 'call-events',
    accountKey: null,
    direction: 'inbound',
    caller: { e164: story.number, raw: story.number, name: story.callerId, withheld: false, extension: null },
    callee: null,
    dialed: QUEUE_DID,
    queue: null,
    legs:
      line === null
        ? []
        : [{ lineId: line.id, extension: line.extension, name: line.name, state: 'gone', since: endedAt }],
    answeredBy: line?.id ?? null,
    phase: 'ended',
    outcome: line === null ? 'missed' : 'answered',
    startedAt,
    answeredAt,
    endedAt,
    associated: [],
    version: 1,
  };
}

async function contactId(contacts: ContactStore, story: Story): Promise<string | null> {
  if (story.contact === null) {
    return null;
  }
  const hits = await contacts.findPhones({ e164: story.number, national: null, suffix: null });
  return hits[0]?.contactId ?? null;
}

/**
 * Writes the curated history when the call log is empty (a first demo run); returns how many calls it wrote. Notes
 * are signed by the agent of the answering line.
 */
export async function seedDemoHistory(
  store: { readonly callLog: CallLogStore; readonly contacts: ContactStore },
  lines: readonly DemoLine[],
  now: number,
): Promise<number> {
  if ((await store.callLog.list({ limit: 1 })).length > 0) {
    return 0;
  }
  let written = 0;
  for (const story of STORIES) {
    const contact = await contactId(store.contacts, story);
    for (const [index, past] of story.calls.entries()) {
      const call = endedCall(story, past, index, lines, now);
      await store.callLog.writeEndedCall(call);
      if (contact !== null) {
        await store.callLog.linkContact(call.id, contact);
      }
      if (past.notes !== undefined) {
        const by = lines.find((l) => l.extension === past.answeredBy)?.email ?? 'demo';
        await store.callLog.setNotes(call.id, {
          notes: past.notes,
          disposition: past.disposition ?? null,
          by,
        });
      }
      written += 1;
    }
  }
  return written;
}
