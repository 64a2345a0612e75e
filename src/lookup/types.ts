// Contacts, call-log entries and lookup results: the vocabulary of lookup/ (stored by store/, shown by pops/).
import type { CallDirection, CallOutcome } from '../calls/types.ts';

export interface ContactPhone {
  /** As typed or imported ("(312) 555-0140 x12"). */
  readonly raw: string;
  /** Normalized with the default region; null when it does not parse. */
  readonly e164: string | null;
  readonly label: string | null;
}

export interface Ticket {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly url: string | null;
}

export interface Appointment {
  /** Epoch ms. */
  readonly at: number;
  readonly title: string;
}

export interface Contact {
  readonly id: string;
  readonly name: string;
  readonly company: string | null;
  readonly email: string | null;
  readonly tier: string | null;
  readonly tags: readonly string[];
  readonly notes: string | null;
  readonly custom: Readonly<Record<string, string>>;
  readonly phones: readonly ContactPhone[];
  readonly tickets: readonly Ticket[];
  readonly appointments: readonly Appointment[];
  /** Id in the CRM / source system; upsert key for imports. */
  readonly externalId: string | null;
  /** Link to the record in the CRM. */
  readonly recordUrl: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What callers supply to create or replace a contact: phones as typed; the store normalizes them. */
export interface ContactInput {
  readonly name: string;
  readonly company?: string | null;
  readonly email?: string | null;
  readonly tier?: string | null;
  readonly tags?: readonly string[];
  readonly notes?: string | null;
  readonly custom?: Readonly<Record<string, string>>;
  readonly phones?: readonly { readonly raw: string; readonly label?: string | null }[];
  readonly tickets?: readonly Ticket[];
  readonly appointments?: readonly Appointment[];
  readonly externalId?: string | null;
  readonly recordUrl?: string | null;
}

/** How a number matched a contact, strongest first. */
export type MatchReason = 'pinned' | 'exact-e164' | 'national-number' | 'last-digits' | 'provider';

export interface Match {
  readonly contact: Contact;
  /** 0..1, higher is better. */
  readonly score: number;
  readonly reason: MatchReason;
  /** Human wording for the card: "exact E.164", "last 7 digits", "pinned by dana@…", "from CRM (hubspot)". */
  readonly reasonText: string;
  /** Which source found it: "store" or a provider name. */
  readonly source: string;
}

/** One row of the call log (an ended call, plus what the agent wrote after it). */
export interface CallLogEntry {
  readonly callId: string;
  readonly direction: CallDirection;
  readonly callerE164: string | null;
  readonly callerRaw: string;
  readonly callerName: string | null;
  readonly withheld: boolean;
  readonly dialed: string | null;
  /** Lines that rang or took part. */
  readonly lineIds: readonly string[];
  readonly answeredBy: string | null;
  readonly answeredByName: string | null;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number;
  readonly outcome: CallOutcome;
  readonly contactId: string | null;
  readonly notes: string | null;
  readonly disposition: string | null;
  /** Who wrote the notes (agent principal / email). */
  readonly notesBy: string | null;
  readonly notesAt: number | null;
}
