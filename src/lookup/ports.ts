// Ports that lookup/ (and the REST API) depend on; store/ implements them for SQLite and PostgreSQL.
import type { Call } from '../calls/types.ts';
import type { CallLogWriter } from '../calls/ports.ts';
import type { CallLogEntry, Contact, ContactInput } from './types.ts';

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
}

export interface ContactQuery {
  /** Free text over name, company, email, phone digits. */
  readonly text?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface UpsertResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** Keys a caller's number is matched on (see src/phone): exact E.164, national significant number, last N digits. */
export interface PhoneKeys {
  readonly e164: string | null;
  readonly national: string | null;
  readonly suffix: string | null;
}

export interface PhoneHit {
  readonly contactId: string;
  readonly e164: string | null;
  readonly national: string | null;
  readonly suffix: string | null;
}

/** What findContactsByPhone answers: the phone hits, and each hit contact once, in hit order. */
export interface PhoneMatches {
  readonly hits: PhoneHit[];
  readonly contacts: Contact[];
}

export interface ContactStore {
  get(id: string): Promise<Contact | null>;
  getMany(ids: readonly string[]): Promise<Contact[]>;
  create(input: ContactInput): Promise<Contact>;
  /** Replaces the contact's fields; null when it does not exist. */
  update(id: string, input: ContactInput): Promise<Contact | null>;
  delete(id: string): Promise<boolean>;
  search(query: ContactQuery): Promise<Page<Contact>>;
  /** Bulk upsert by externalId, else email, else insert. Unchanged rows are not rewritten. */
  upsertMany(inputs: readonly ContactInput[]): Promise<UpsertResult>;
  /** Every stored phone whose e164, national or suffix key equals the given one. */
  findPhones(keys: PhoneKeys): Promise<PhoneHit[]>;
  /**
   * Optional fast path for the caller lookup: findPhones and getMany of the hit contacts in one query (a
   * phones ⋈ contacts join), so a lookup makes one round trip instead of two.
   */
  findContactsByPhone?(keys: PhoneKeys): Promise<PhoneMatches>;
}

export interface CallLogQuery {
  readonly callerE164?: string;
  readonly outcome?: Call['outcome'];
  readonly lineId?: string;
  readonly text?: string;
  /** Epoch ms; entries that started before this. */
  readonly before?: number;
  readonly limit: number;
}

export interface CallNotes {
  readonly notes: string | null;
  readonly disposition: string | null;
  readonly by: string;
}

export interface CallHistory {
  readonly last: CallLogEntry | null;
  /** Calls from this number since `since`. */
  readonly count: number;
  /** Most recent first, at most `limit`. */
  readonly recent: readonly CallLogEntry[];
}

export interface CallLogStore extends CallLogWriter {
  get(callId: string): Promise<CallLogEntry | null>;
  list(query: CallLogQuery): Promise<CallLogEntry[]>;
  /** Saves notes and disposition on an ended call; null when the call is not in the log. */
  setNotes(callId: string, notes: CallNotes): Promise<CallLogEntry | null>;
  /** Links a logged call to the contact its card showed; nothing happens when the call is not in the log. */
  linkContact(callId: string, contactId: string): Promise<void>;
  /** Links every call from this number (E.164) that has no contact yet (a pin made later); returns how many. */
  linkUnlinked(e164: string, contactId: string): Promise<number>;
  /** Past calls from one number (E.164), for the card and urgency rules. */
  history(e164: string, since: number, limit: number): Promise<CallHistory>;
}

/** An agent's choice among several matches, shared by everyone: number → contact. */
export interface PinStore {
  getPin(e164: string): Promise<{ contactId: string; by: string; at: number } | null>;
  setPin(e164: string, contactId: string, by: string): Promise<void>;
  clearPin(e164: string): Promise<void>;
}
