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
}
