// The JSON HTTP API between server/ and the browser app: routes, bodies and the records they carry.
// server/ validates bodies with zod schemas that match these types; web/ calls the routes.

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

/** One row of the call log (an ended call, plus what the agent wrote after it). */
export interface CallLogEntry {
  readonly callId: string;
  readonly direction: 'inbound' | 'outbound' | 'internal';
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
  readonly outcome: 'answered' | 'missed' | 'abandoned';
  /** The contact the call's card showed (the pinned match, else the single best one); null when none or a tie. */
  readonly contactId: string | null;
  /** That contact's current name; null when unlinked or the contact is gone. Absent where the API does not join it. */
  readonly contactName?: string | null;
  readonly notes: string | null;
  readonly disposition: string | null;
  /** Who wrote the notes (agent principal / email). */
  readonly notesBy: string | null;
  readonly notesAt: number | null;
}

/** One save of a call's notes: every save is kept, with who wrote it and when. */
export interface NoteRevision {
  readonly callId: string;
  readonly notes: string | null;
  readonly disposition: string | null;
  /** Agent principal (email). */
  readonly by: string;
  readonly at: number;
}

/** What an audit entry records. */
export type AuditAction =
  | 'card.viewed'
  | 'contact.created'
  | 'contact.updated'
  | 'contact.deleted'
  | 'pin.set'
  | 'pin.cleared'
  | 'notes.saved';

/** One line of the audit log: who did what to which record, and when (read by supervisors). */
export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  /** Agent principal (email). */
  readonly actor: string;
  readonly action: AuditAction;
  readonly targetType: 'call' | 'contact' | 'pin';
  /** Call id, contact id, or the pinned E.164 number. */
  readonly targetId: string;
  /** Short context for a reader (the caller's number, the contact's name); null when none. */
  readonly detail: string | null;
}

/** One of an agent's GoTo lines (from /users/v1/lines). */
export interface AgentLine {
  readonly id: string;
  readonly extension: string | null;
  readonly name: string | null;
}

/** GET /api/me */
export interface Me {
  readonly principal: string;
  readonly displayName: string | null;
  readonly role: 'agent' | 'supervisor';
  readonly lines: readonly AgentLine[];
  /** Lines that pop; null = all. */
  readonly popLines: readonly string[] | null;
  readonly desktopNotifications: boolean;
}

/** PUT /api/me/settings */
export interface SettingsBody {
  readonly popLines: readonly string[] | null;
  readonly desktopNotifications: boolean;
}

/** PUT /api/calls/:id/notes */
export interface NotesBody {
  readonly notes: string | null;
  readonly disposition: string | null;
}

/** POST /api/pins */
export interface PinBody {
  readonly e164: string;
  readonly contactId: string;
}

/** Every error response: a stable snake_case code, a message a user can act on, a correlation id for 500s. */
/** How a call's record in one CRM stands (issue 14): the history row's "logged to HubSpot" / "logging failed". */
export interface CrmLogStatus {
  /** The provider's configured name ("hubspot"). */
  readonly provider: string;
  /** pending: not written yet, or an update is waiting (see error); logged: written; failed: given up (retry). */
  readonly status: 'pending' | 'logged' | 'failed';
  /** The last attempt's failure, a text a person can act on; null after a success. */
  readonly error: string | null;
  /** Link to the record in the CRM, once written. */
  readonly url: string | null;
  readonly attempts: number;
  readonly updatedAt: number;
}

export interface ApiError {
  readonly error: string;
  readonly message: string;
  readonly correlationId?: string;
  readonly details?: readonly { readonly path: string; readonly message: string }[];
}

/**
 * Routes (all JSON, all under the session cookie unless noted):
 *   GET  /auth/login              302 to GoTo sign-in (no session needed)
 *   GET  /auth/callback           OAuth redirect target; sets the httpOnly session cookie
 *   POST /auth/logout
 *   GET  /api/me                  Me
 *   PUT  /api/me/settings         SettingsBody → Me
 *   GET  /api/cards               { items: Card[] } the agent's live and recent cards
 *   GET  /api/contacts?q=&limit=&offset=        { items: Contact[], total }
 *   POST /api/contacts            ContactInput → 201 Contact
 *   GET|PUT|DELETE /api/contacts/:id
 *   GET  /api/calls?number=&outcome=&line=&q=&before=&limit=   { items: CallLogEntry[] }
 *   GET  /api/calls/:id           CallLogEntry
 *   PUT  /api/calls/:id/notes     NotesBody → CallLogEntry
 *   GET  /api/calls/:id/notes/revisions   { items: NoteRevision[] } every save of the call's notes, oldest first
 *   GET  /api/calls/:id/crm       { items: CrmLogStatus[] } the call's record in each CRM
 *   GET  /api/crm-log?calls=a,b   { items: { callId, crm: CrmLogStatus[] }[] } the same for a page of history rows
 *   POST /api/calls/:id/crm/retry { provider } → 202 writes the record again (participants of the call, supervisors)
 *   GET  /api/calls/:id/trace     the call's trace (events, transitions, recoveries)
 *   GET  /api/traces?q=           { items: TraceSearchHit[] } calls by number or call id (own lines; all: supervisors)
 *   GET  /api/traces/:id          CallTraceView: the trace in readable steps and the call-log row (src/shared/trace.ts)
 *   GET  /api/providers           { providers: ProviderHealth[] } lookup and CRM call-logging health (supervisors only)
 *   GET  /api/webhooks            { endpoints: WebhookEndpointStatus[] } webhook endpoints only (supervisors only)
 *   GET  /api/webhooks/attempts?endpoint=&limit=   { items: WebhookAttemptRecord[] } (supervisors only)
 *   GET  /api/audit?before=&limit=   { items: AuditEntry[] } newest first (supervisors only)
 *   GET  /api/audit.csv?before=&limit=   the same as CSV, formula cells neutralised (supervisors only)
 *   POST /api/pins                PinBody → 204;  DELETE /api/pins/:e164 → 204
 *   GET  /api/openapi.json        OpenAPI 3 document of these routes (no session needed)
 *   GET  /api/push                WebSocket: ServerMessage / ClientMessage (src/shared/messages.ts)
 *   GET  /healthz, /metrics       (no session needed)
 */
