// What CRM call logging needs from a database (src/store implements it on SQLite and PostgreSQL).

/** One call's record in one CRM, as stored: the CRM's id once it answered, and how writing it went. */
export interface CrmLink {
  readonly callId: string;
  readonly provider: string;
  /** The CRM contact the record is written for (null: the caller matched nothing in this CRM). */
  readonly contact: { readonly externalId: string | null; readonly name: string } | null;
  /** The CRM's id of the call record: an update goes to it, never a second record. */
  readonly crmId: string | null;
  readonly crmUrl: string | null;
  readonly state: 'pending' | 'logged' | 'failed';
  readonly error: string | null;
  readonly attempts: number;
  /** A create went out and its answer was never recorded (crash, timeout): look before creating again. */
  readonly uncertain: boolean;
  readonly updatedAt: number;
}

/** How many of a CRM's call records are in each state. */
export interface CrmRecordCounts {
  readonly logged: number;
  readonly failed: number;
  readonly pending: number;
}

export interface CrmRecordStore {
  get(callId: string, provider: string): Promise<CrmLink | null>;
  /** Every CRM's record of these calls. */
  list(callIds: readonly string[]): Promise<CrmLink[]>;
  /**
   * Marks the record pending (a write is queued); creates it when new. `contact` (when given) is remembered for
   * this and later writes; undefined leaves the stored one.
   */
  queued(
    callId: string,
    provider: string,
    contact: CrmLink['contact'] | undefined,
    at: number,
  ): Promise<void>;
  /** An attempt starts: counted, and uncertain until its outcome is recorded. */
  attempting(callId: string, provider: string, at: number): Promise<void>;
  /** The CRM answered with its record: remembered, no longer uncertain. */
  logged(
    callId: string,
    provider: string,
    ref: { id: string; url: string | null },
    at: number,
  ): Promise<void>;
  /**
   * The attempt failed. `answered`: the CRM answered (so nothing was created and the attempt is not uncertain);
   * `gaveUp`: no more retries (state failed, shown with a retry button).
   */
  failed(
    callId: string,
    provider: string,
    failure: { error: string; answered: boolean; gaveUp: boolean },
    at: number,
  ): Promise<void>;
  /**
   * Per provider, its records last touched at or after `since`, by state. A scan of the table (no index on
   * updated_at): supervisors' Settings page reads it, not the pop path.
   */
  counts(since: number): Promise<Map<string, CrmRecordCounts>>;
}
