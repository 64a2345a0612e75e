// What the webhook outbox needs from a database (src/store implements it on SQLite and PostgreSQL).

export type WebhookEventType = 'call.ringing' | 'call.answered' | 'call.ended' | 'call.notes';

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'call.ringing',
  'call.answered',
  'call.ended',
  'call.notes',
];

/** A webhook event, or a CRM call-record write (src/crmlog queues those on endpoint "crm:<provider>"). */
export type OutboxRowType = WebhookEventType | 'crm.write';

/** One event for one endpoint, as the outbox stores it. */
export interface NewOutboxRow {
  readonly endpoint: string;
  /** The webhook-id header: stable per event, so a receiver can drop a repeat. */
  readonly eventId: string;
  readonly callId: string;
  readonly type: OutboxRowType;
  /** The JSON body, exactly as it will be signed and sent. */
  readonly payload: string;
  readonly createdAt: number;
}

export interface OutboxRow extends NewOutboxRow {
  readonly id: number;
  /** Attempts made before this one. */
  readonly attempts: number;
}

/** A claimed row, and how long its endpoint has been failing (null: its last attempt succeeded). */
export interface Claim {
  readonly row: OutboxRow;
  readonly failingSince: number | null;
}

/** What became of one attempt. */
export interface AttemptResult {
  readonly rowId: number;
  readonly owner: string;
  readonly at: number;
  readonly durationMs: number;
  /** HTTP status; null when no response came (refused, timeout). */
  readonly status: number | null;
  readonly error: string | null;
  /** delivered; retry at `nextAttemptAt`; or dead (given up). */
  readonly outcome: 'delivered' | 'retry' | 'dead';
  readonly nextAttemptAt: number;
  /** The endpoint's health after this attempt. */
  readonly failingSince: number | null;
  readonly pausedUntil: number | null;
}

export interface EndpointHealth {
  readonly name: string;
  readonly failingSince: number | null;
  /** Set while the endpoint is paused for failing too long: only one probe per interval until it answers. */
  readonly pausedUntil: number | null;
  readonly lastAttemptAt: number | null;
  readonly lastStatus: number | null;
  readonly lastSuccessAt: number | null;
  readonly pending: number;
  readonly dead: number;
}

export interface DeliveryAttempt {
  readonly endpoint: string;
  readonly eventId: string;
  readonly callId: string;
  readonly type: string;
  /** 1 for the first attempt of an event. */
  readonly attempt: number;
  readonly at: number;
  readonly status: number | null;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly error: string | null;
}

export interface AttemptsQuery {
  readonly endpoint?: string;
  readonly endpoints?: readonly string[];
  readonly limit: number;
}

export interface OutboxStore {
  /** Adds rows; a row whose (endpoint, eventId) is already there is skipped. Returns how many were added. */
  enqueue(rows: readonly NewOutboxRow[]): Promise<number>;
  /**
   * Leases the next due row of `endpoint` to `owner` until now + leaseMs, or null: nothing due, the endpoint is
   * paused, or another attempt on it is in flight (one at a time per endpoint, in order within a call).
   */
  claim(endpoint: string, owner: string, now: number, leaseMs: number): Promise<Claim | null>;
  /**
   * Logs the attempt, settles the row (if `owner` still holds it) and updates the endpoint's health. A success on a
   * paused endpoint makes its whole backlog due at once.
   */
  finish(endpoint: string, row: OutboxRow, result: AttemptResult): Promise<void>;
  endpoints(names: readonly string[]): Promise<EndpointHealth[]>;
  /** The latest attempts, newest first: of `endpoint`, else of `endpoints` (when given), else of all. */
  attempts(query: AttemptsQuery): Promise<DeliveryAttempt[]>;
  /** Deletes settled rows and attempts older than `before`; returns how many rows went. */
  prune(before: number): Promise<number>;
}
