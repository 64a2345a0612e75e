// Lookup results; the contact and call-log records themselves are shared with the browser (src/shared/api.ts).
import type { Contact } from '../shared/api.ts';

export type {
  Appointment,
  CallLogEntry,
  Contact,
  ContactInput,
  ContactPhone,
  Ticket,
} from '../shared/api.ts';

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
  /** Who pinned this contact to the number, when reason is 'pinned'. */
  readonly pinnedBy?: string;
}

/** Why a call has no usable caller, or nothing matched. */
export type UnknownReason = 'withheld number' | 'invalid number' | 'internal extension' | 'no match';

export type UrgencyLevel = 'none' | 'elevated' | 'urgent';

export interface Urgency {
  readonly level: UrgencyLevel;
  /** "3rd call in 40 minutes", "called back after a missed call", "tier VIP"; null when level is none. */
  readonly reason: string | null;
}

/** The caller's last call, shaped like Card.history.lastCall. */
export interface LastCall {
  readonly callId: string;
  readonly at: number;
  readonly outcome: 'answered' | 'missed' | 'abandoned';
  readonly answeredBy: string | null;
  readonly answeredByName: string | null;
  readonly notes: string | null;
  readonly disposition: string | null;
}

export interface HistorySummary {
  readonly lastCall: LastCall | null;
  readonly callsLast30Days: number;
}

/** How one lookup source fared, for the call trace and logs. */
export interface SourceStatus {
  readonly name: string;
  readonly state: 'pending' | 'done' | 'cached' | 'stale' | 'failed';
  /** Failure text a person can act on ("HTTP 500", "timed out after 2000 ms", "malformed JSON"). */
  readonly error: string | null;
}

/** Everything the card needs from the lookup; maps 1:1 onto Card.lookup / history / urgency / links. */
export interface LookupResult {
  /** The number looked up (the external party of the call). */
  readonly number: { readonly raw: string; readonly e164: string | null; readonly national: string | null };
  /** pending: sources still answering; done: all answered; partial: some failed or timed out. */
  readonly status: 'pending' | 'done' | 'partial';
  /** Best first: pinned, then by score. */
  readonly matches: readonly Match[];
  /** Set when there is no usable number, or (once nothing is pending) nothing matched. */
  readonly unknownReason: UnknownReason | null;
  readonly history: HistorySummary;
  readonly urgency: Urgency;
  readonly links: readonly { readonly label: string; readonly url: string }[];
  readonly sources: readonly SourceStatus[];
}
