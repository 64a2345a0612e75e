// What the ready-made CRM connectors (pipedrive, zendesk, freshdesk, salesforce) share: secret fields that must be
// ${ENV} references, an optional API URL override, timeouts, the log switch, and the Contact they build.
import { z } from 'zod';
import type { ProviderNumber } from '../provider.ts';
import type { Contact, Ticket } from '../types.ts';
import type { CrmCallRecord } from './call-record.ts';
import { cleanText, cleanUrl } from './provider-mapping.ts';
import { ENV_REF, expandEnv } from './provider-entry.ts';
import type { EntryContext } from './provider-entry.ts';

/** A secret in the config: must be a ${VAR} reference, so tokens live in the environment, never in the JSON. */
export const secretRef = z
  .string()
  .refine(
    (v) => new RegExp(ENV_REF.source).test(v),
    'must be an ${ENV_VAR} reference, not the secret itself',
  );

/** A tenant name as it appears in the vendor's host name ("acme" of acme.zendesk.com). */
export const subdomain = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'the account name only (acme for acme.example.com)');

/** The connector's fields every kind adds to the common ones. */
export const connectorFields = {
  /**
   * Replaces the vendor's API origin (a proxy, a regional host, or the local fake in tests); must be http(s).
   * Links to records keep using the vendor's web host.
   */
  apiUrl: z.url({ protocol: /^https?$/ }).optional(),
  timeoutMs: z.number().int().min(10).max(60_000).default(3000),
  /** Writes run off the pop path (outbox), so they may wait longer than a lookup. */
  writeTimeoutMs: z.number().int().min(10).max(120_000).default(10_000),
  /** Whether calls are logged back to this CRM (default true). */
  log: z.boolean().default(true),
};

export interface ConnectorTimeouts {
  readonly timeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly log: boolean;
}

/** Resolves one secret field; '' after pushing a problem when its variable is unset. */
export function secret(value: string, field: string, ctx: EntryContext): string {
  return expandEnv(value, field, ctx);
}

/** An origin without its trailing slash. */
export function origin(url: string): string {
  return url.replace(/\/+$/, '');
}

export interface ContactParts {
  readonly provider: string;
  readonly externalId: string;
  readonly name: unknown;
  readonly company?: unknown;
  readonly email?: unknown;
  readonly owner?: unknown;
  readonly recordUrl?: string | null;
  readonly tickets?: readonly Ticket[];
}

/** A CRM record → the card's Contact (untrusted text cleaned, links http(s) only); null without a name. */
export function crmContact(parts: ContactParts, n: ProviderNumber, now: number): Contact | null {
  const name = cleanText(parts.name);
  if (name === null) {
    return null;
  }
  const owner = cleanText(parts.owner);
  return {
    id: `provider:${parts.provider}:${parts.externalId}`,
    name,
    company: cleanText(parts.company),
    email: cleanText(parts.email),
    tier: null,
    tags: [],
    notes: null,
    custom: owner === null ? {} : { owner },
    phones: [{ raw: n.raw, e164: n.e164, label: null }],
    tickets: parts.tickets ?? [],
    appointments: [],
    externalId: parts.externalId,
    recordUrl: parts.recordUrl === undefined ? null : cleanUrl(parts.recordUrl),
    createdAt: now,
    updatedAt: now,
  };
}

/** A ticket for the card, or nothing when the CRM left out its id or title. */
export function crmTicket(id: unknown, title: unknown, status: unknown, url: string | null): Ticket[] {
  const cleanId = cleanText(id);
  const cleanTitle = cleanText(title);
  if (cleanId === null || cleanTitle === null) {
    return [];
  }
  return [{ id: cleanId, title: cleanTitle, status: cleanText(status) ?? 'open', url: cleanUrl(url) }];
}

/** Digits only: the form every vendor's phone search matches best. */
export function digits(text: string): string {
  return text.replace(/\D/g, '');
}

function clock(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
}

/** "Inbound call from +1312… (answered, 2m 5s)": the subject line every CRM shows in its list. */
export function callSubject(record: CrmCallRecord): string {
  const party = record.direction === 'outbound' ? `to ${record.to}` : `from ${record.from}`;
  const kind =
    record.direction === 'inbound' ? 'Inbound' : record.direction === 'outbound' ? 'Outbound' : 'Internal';
  const m = Math.floor(record.talkSeconds / 60);
  const s = record.talkSeconds % 60;
  const talk = record.outcome === 'answered' ? `, ${m > 0 ? `${m}m ` : ''}${s}s` : '';
  return `${kind} call ${party} (${record.outcome}${talk})`;
}

/** The plain-text body: who, when, outcome, then the agent's notes and disposition. */
export function callDescription(record: CrmCallRecord): string {
  const lines = [
    callSubject(record),
    `From: ${record.from}`,
    `To: ${record.to}`,
    `Started: ${clock(record.startedAt)} UTC`,
    `Agent: ${record.agent === null ? 'nobody' : (record.agent.name ?? record.agent.principal)}`,
  ];
  if (record.disposition !== null) {
    lines.push(`Disposition: ${record.disposition}`);
  }
  if (record.notes !== null) {
    lines.push('', record.notes);
  }
  lines.push('', `screenpop call ${record.callId}`);
  return lines.join('\n');
}
