// Table shapes as Kysely sees them; identical in SQLite and PostgreSQL (JSON lives in text columns in both).
import type { Generated } from 'kysely';

/** Which engine a Kysely instance talks to; the few SQL differences switch on it. */
export type Dialect = 'sqlite' | 'postgres';

export interface ContactsTable {
  id: Generated<number>;
  name: string;
  company: string | null;
  email: string | null;
  /** Lower-cased email: the second upsert key. */
  email_key: string | null;
  tier: string | null;
  /** JSON string[] */
  tags: string;
  notes: string | null;
  /** JSON Record<string, string> */
  custom: string;
  /** JSON ContactPhone[] (the matching keys live in contact_phones) */
  phones: string;
  /** JSON Ticket[] */
  tickets: string;
  /** JSON Appointment[] */
  appointments: string;
  external_id: string | null;
  record_url: string | null;
  /** Set only when there is neither external id nor email: lower(name) + phones, so re-imports still match. */
  dedupe_key: string | null;
  /** Hash of the stored content: an upsert whose hash matches is "unchanged" and writes nothing. */
  content_hash: string;
  created_at: number;
  updated_at: number;
}

export interface ContactPhonesTable {
  id: Generated<number>;
  contact_id: number;
  position: number;
  raw: string;
  e164: string | null;
  national: string | null;
  suffix: string | null;
  label: string | null;
}

export interface CallLogTable {
  call_id: string;
  direction: string;
  caller_e164: string | null;
  caller_raw: string;
  caller_name: string | null;
  /** 0 / 1 */
  withheld: number;
  dialed: string | null;
  /** JSON string[] */
  line_ids: string;
  answered_by: string | null;
  answered_by_name: string | null;
  started_at: number;
  answered_at: number | null;
  ended_at: number;
  outcome: string;
  contact_id: string | null;
  notes: string | null;
  disposition: string | null;
  notes_by: string | null;
  notes_at: number | null;
}

export interface PinsTable {
  e164: string;
  contact_id: number;
  pinned_by: string;
  pinned_at: number;
}

export interface SecretsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface AgentsTable {
  principal: string;
  /** JSON AgentSettings */
  settings: string;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  principal: string;
  created_at: number;
  expires_at: number;
}

/** Every save of a call's notes, kept so an overwrite can be seen and undone by hand. */
export interface NoteRevisionsTable {
  id: Generated<number>;
  call_id: string;
  notes: string | null;
  disposition: string | null;
  author: string;
  at: number;
}

/** Who viewed or changed what, for supervisors (src/server/audit.ts). */
export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  /** Short human-readable context ("+13125550140", a contact's name); never a secret. */
  detail: string | null;
}

export interface WebhookOutboxTable {
  id: Generated<number>;
  endpoint: string;
  /** The webhook-id: stable per event, the same for every attempt. */
  event_id: string;
  call_id: string;
  type: string;
  /** The JSON body exactly as signed and sent. */
  payload: string;
  created_at: number;
  /** pending | delivered | dead */
  state: string;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  finished_at: number | null;
}

export interface WebhookEndpointsTable {
  name: string;
  failing_since: number | null;
  paused_until: number | null;
  last_attempt_at: number | null;
  last_status: number | null;
  last_success_at: number | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  endpoint: string;
  event_id: string;
  call_id: string;
  type: string;
  attempt: number;
  at: number;
  status: number | null;
  /** 0 / 1 */
  ok: number;
  duration_ms: number;
  error: string | null;
}

/** One call's record in one CRM (src/crmlog): its id there, and how writing it went. */
export interface CrmCallRecordsTable {
  call_id: string;
  provider: string;
  contact_external_id: string | null;
  contact_name: string | null;
  crm_id: string | null;
  crm_url: string | null;
  /** pending | logged | failed */
  state: string;
  error: string | null;
  attempts: number;
  /** 0 / 1: a create went out and its answer was never recorded (a crash, a timeout). */
  uncertain: number;
  updated_at: number;
}

export interface Database {
  contacts: ContactsTable;
  contact_phones: ContactPhonesTable;
  call_log: CallLogTable;
  pins: PinsTable;
  secrets: SecretsTable;
  agents: AgentsTable;
  sessions: SessionsTable;
  note_revisions: NoteRevisionsTable;
  audit_log: AuditLogTable;
  webhook_outbox: WebhookOutboxTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_attempts: WebhookAttemptsTable;
  crm_call_records: CrmCallRecordsTable;
}
