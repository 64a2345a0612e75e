// The call record a provider kind writes back to its CRM after a call (issue 14): one record per call and CRM,
// created once and then updated (notes saved later, a retry) through the id the CRM gave it.

/** What screenpop knows of a finished call, in the words a CRM call log uses. */
export interface CrmCallRecord {
  /** screenpop's call id: the idempotency key (a writer may store it in the CRM record to find it again). */
  readonly callId: string;
  readonly direction: 'inbound' | 'outbound' | 'internal';
  /** The caller's and callee's numbers: E.164 when known, else as GoTo sent them. */
  readonly from: string;
  readonly to: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number;
  /** Whole seconds from answer to end (0 when never answered). */
  readonly talkSeconds: number;
  readonly outcome: 'answered' | 'missed' | 'abandoned';
  /** The agent who took the call (GoTo principal and display name), null when nobody did. */
  readonly agent: { readonly principal: string; readonly name: string | null } | null;
  readonly notes: string | null;
  readonly disposition: string | null;
  /**
   * The CRM's own record of the caller, as this provider's lookup returned it (Contact.externalId) or as an agent
   * pinned it; null when the caller matched nothing in this CRM (a writer may then skip, or log unassociated).
   */
  readonly contact: { readonly externalId: string | null; readonly name: string } | null;
}

/** Where the written record is in the CRM. */
export interface CrmRecordRef {
  /** The CRM's id of the call record: an update goes to it, never a second record. */
  readonly id: string;
  /** Link to the record in the CRM's web app, when it has one. */
  readonly url: string | null;
}

/** A failed write, with whether a later retry may succeed (429, 5xx, network) or not (400, 401, 403, 404). */
export class CrmWriteError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    readonly retryable: boolean,
    /** HTTP status of the CRM's answer; null when none came. */
    readonly status: number | null = null,
    /** Seconds the CRM asked to wait (Retry-After), when it said. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'CrmWriteError';
  }
}

/** The write-back side of a provider: made by its kind from the same config as its lookup. */
export interface CallRecordWriter {
  /** The provider's configured name (the history row shows "logged to <name>"). */
  readonly name: string;
  /**
   * Creates the call record, or updates `existing` (the ref an earlier write returned) with the record's current
   * content. Rejects with CrmWriteError. Never logs secrets or bodies.
   */
  write(record: CrmCallRecord, existing: CrmRecordRef | null, signal: AbortSignal): Promise<CrmRecordRef>;
  /**
   * Optional: finds the record an earlier create of this call made, by the callId the writer stored in it. Asked
   * only when a create went out and its answer was never recorded (a crash or a timeout in between), so the retry
   * updates that record instead of making a second one. A writer without it may duplicate in that window.
   */
  find?(record: CrmCallRecord, signal: AbortSignal): Promise<CrmRecordRef | null>;
}
