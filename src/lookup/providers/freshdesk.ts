// The "freshdesk" provider kind: contact search on phone and mobile (with company and open tickets), and the call
// as a private note on the caller's latest open ticket, else as a new phone ticket.
// Plain fetch + zod: Freshdesk has no maintained official Node SDK, and the calls are five plain REST requests.
//
// Call logging: a private note keeps the call with the conversation it most likely belongs to; with no open
// ticket, a new ticket (source Phone) is the record. Both can be edited in place (PUT conversations/{id},
// PUT tickets/{id}), so an update replaces the content and never adds a second record.
import { z } from 'zod';
import type { Clock } from '../../calls/ports.ts';
import { formatInternational, formatNational } from '../../phone/phone.ts';
import type { LookupProvider, ProviderNumber } from '../provider.ts';
import type { Contact, Ticket } from '../types.ts';
import type { CallRecordWriter, CrmCallRecord, CrmRecordRef } from './call-record.ts';
import { basic, crmFetch, connectorProvider, shape, writeError } from './crm-fetch.ts';
import {
  callDescription,
  callSubject,
  connectorFields,
  crmContact,
  crmTicket,
  digits,
  origin,
} from './connector-entry.ts';
import { secret, secretRef, subdomain } from './connector-entry.ts';
import type { ConnectorTimeouts } from './connector-entry.ts';
import { baseConfig, entrySchema, parseEntry } from './provider-entry.ts';
import type { EntryContext, ProviderBase } from './provider-entry.ts';
import type { ProviderKind } from './provider-kind.ts';

const schema = entrySchema({
  /** "acme" of acme.freshdesk.com. */
  domain: subdomain,
  /** The API key of the agent screenpop acts as (Profile settings → View API key); sent as basic auth. */
  apiKey: secretRef,
  ...connectorFields,
});

export interface FreshdeskConfig extends ProviderBase<'freshdesk'>, ConnectorTimeouts {
  readonly api: string;
  readonly web: string;
  readonly authorization: string;
}

export function parseFreshdeskEntry(entry: unknown, ctx: EntryContext): FreshdeskConfig | null {
  const e = parseEntry(schema, entry, ctx);
  if (e === null) {
    return null;
  }
  const web = `https://${e.domain}.freshdesk.com`;
  return {
    ...baseConfig('freshdesk', e, ctx),
    api: origin(e.apiUrl ?? web),
    web,
    // Freshdesk's documented form: the key as the user name, any password ("X").
    authorization: basic(secret(e.apiKey, 'apiKey', ctx), 'X'),
    timeoutMs: e.timeoutMs,
    writeTimeoutMs: e.writeTimeoutMs,
    log: e.log,
  };
}

const contactSchema = z.object({
  id: z.number(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  company_id: z.number().nullable().optional(),
});
const searchSchema = z.object({ results: z.array(contactSchema), total: z.number() });
const companySchema = z.object({ name: z.string() });
const ticketsSchema = z.array(
  z.object({ id: z.number(), subject: z.string().nullable(), status: z.number() }),
);
const idSchema = z.object({ id: z.number() });

type FreshContact = z.infer<typeof contactSchema>;

/** Freshdesk serves 30 results a page and at most 10 pages; a number shared by more than 3 pages is noise. */
const MAX_PAGES = 3;
const MAX_CONTACTS = 25;
const TICKETS_FOR = 5;
const STATUS: Readonly<Record<number, string>> = { 2: 'open', 3: 'pending', 4: 'resolved', 5: 'closed' };
/** Resolved (4) and closed (5) are done; 2, 3 and custom statuses (6+) still need someone. */
const isOpen = (status: number): boolean => status !== 4 && status !== 5;
/** Ticket lists return only the last 30 days unless told otherwise. */
const TICKET_WINDOW_MS = 180 * 86_400_000;

/**
 * The search query over the phone and the mobile field. Freshdesk matches them as typed, so the number is asked
 * in the forms people type: E.164, national digits, national ("(312) 555-0140") and international format.
 */
export function phoneQuery(n: ProviderNumber): string {
  const forms = [
    ...new Set([n.e164, n.national ?? digits(n.e164), formatNational(n.e164), formatInternational(n.e164)]),
  ];
  const terms = forms.flatMap((f) => [`phone:'${f}'`, `mobile:'${f}'`]);
  return `"${terms.join(' OR ')}"`;
}

function client(config: FreshdeskConfig, timeoutMs: number) {
  const headers = { authorization: config.authorization };
  return {
    get: async (path: string, signal: AbortSignal): Promise<unknown> =>
      (await crmFetch({ url: `${config.api}${path}`, headers, timeoutMs, signal })).body,
    send: async (method: 'POST' | 'PUT', path: string, body: unknown, signal: AbortSignal) =>
      (await crmFetch({ method, url: `${config.api}${path}`, headers, body, timeoutMs, signal })).body,
  };
}

async function ticketsOf(
  get: (path: string, signal: AbortSignal) => Promise<unknown>,
  requester: number,
  now: number,
  signal: AbortSignal,
): Promise<z.infer<typeof ticketsSchema>> {
  const q = new URLSearchParams({
    requester_id: String(requester),
    updated_since: new Date(now - TICKET_WINDOW_MS).toISOString(),
    order_by: 'updated_at',
    order_type: 'desc',
    per_page: '30',
  });
  return shape(ticketsSchema, await get(`/api/v2/tickets?${q}`, signal), 'tickets').filter((t) =>
    isOpen(t.status),
  );
}

export function createFreshdeskProvider(config: FreshdeskConfig, clock: Clock): LookupProvider {
  const { get } = client(config, config.timeoutMs);

  async function search(n: ProviderNumber, signal: AbortSignal): Promise<FreshContact[]> {
    const found: FreshContact[] = [];
    for (let page = 1; page <= MAX_PAGES && found.length < MAX_CONTACTS; page += 1) {
      const q = new URLSearchParams({ query: phoneQuery(n), page: String(page) });
      const body = shape(searchSchema, await get(`/api/v2/search/contacts?${q}`, signal), 'contact search');
      found.push(...body.results);
      if (body.results.length === 0 || found.length >= body.total) {
        break;
      }
    }
    return found.slice(0, MAX_CONTACTS);
  }

  async function companies(
    contacts: readonly FreshContact[],
    signal: AbortSignal,
  ): Promise<Map<number, string>> {
    const ids = [...new Set(contacts.flatMap((c) => (c.company_id == null ? [] : [c.company_id])))].slice(
      0,
      5,
    );
    const names = await Promise.all(
      ids.map(
        async (id) => shape(companySchema, await get(`/api/v2/companies/${id}`, signal), 'company').name,
      ),
    );
    return new Map(ids.map((id, i) => [id, names[i] ?? '']));
  }

  async function openTickets(c: FreshContact, signal: AbortSignal): Promise<Ticket[]> {
    const tickets = await ticketsOf(get, c.id, clock.now(), signal);
    return tickets.flatMap((t) =>
      crmTicket(t.id, t.subject, STATUS[t.status] ?? 'open', `${config.web}/a/tickets/${t.id}`),
    );
  }

  async function find(n: ProviderNumber, signal: AbortSignal): Promise<Contact[]> {
    const contacts = await search(n, signal);
    const [names, tickets] = await Promise.all([
      companies(contacts, signal),
      Promise.all(contacts.map((c, i) => (i < TICKETS_FOR ? openTickets(c, signal) : Promise.resolve([])))),
    ]);
    return contacts.flatMap((c, i) => {
      const contact = crmContact(
        {
          provider: config.name,
          externalId: String(c.id),
          name: c.name,
          company: c.company_id == null ? null : names.get(c.company_id),
          email: c.email,
          recordUrl: `${config.web}/a/contacts/${c.id}`,
          tickets: tickets[i] ?? [],
        },
        n,
        clock.now(),
      );
      return contact === null ? [] : [contact];
    });
  }

  return connectorProvider(config, clock, find);
}

/** Freshdesk note and ticket bodies are HTML: the agent's text escaped, line breaks kept. */
function html(record: CrmCallRecord): string {
  return callDescription(record)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\n/g, '<br>');
}

function newTicket(record: CrmCallRecord, requester: number | null): Record<string, unknown> {
  return {
    subject: callSubject(record),
    description: html(record),
    // 4 resolved for an answered call; 2 open when a call back is owed. Source 3 is "Phone".
    status: record.outcome === 'answered' ? 4 : 2,
    priority: 1,
    source: 3,
    tags: ['screenpop'],
    // Unknown callers become a contact by phone, as Freshdesk's own phone channel does.
    ...(requester === null
      ? { phone: record.from, name: record.contact?.name ?? `Caller ${record.from}` }
      : {}),
    ...(requester === null ? {} : { requester_id: requester }),
  };
}

export function createFreshdeskWriter(config: FreshdeskConfig, clock: Clock): CallRecordWriter | null {
  if (!config.log) {
    return null;
  }
  const { get, send } = client(config, config.writeTimeoutMs);
  const ticketUrl = (id: number | string): string => `${config.web}/a/tickets/${id}`;

  async function create(record: CrmCallRecord, signal: AbortSignal): Promise<CrmRecordRef> {
    const external = record.contact?.externalId ?? '';
    const requester = /^\d+$/.test(external) ? Number(external) : null;
    const open = requester === null ? [] : await ticketsOf(get, requester, clock.now(), signal);
    const latest = open[0];
    if (latest !== undefined) {
      const note = { body: html(record), private: true };
      const id = shape(
        idSchema,
        await send('POST', `/api/v2/tickets/${latest.id}/notes`, note, signal),
        'note',
      ).id;
      return { id: `note:${id}`, url: ticketUrl(latest.id) };
    }
    const body = newTicket(record, requester);
    const id = shape(idSchema, await send('POST', '/api/v2/tickets', body, signal), 'ticket').id;
    return { id: `ticket:${id}`, url: ticketUrl(id) };
  }

  async function update(record: CrmCallRecord, existing: CrmRecordRef, signal: AbortSignal) {
    const [kind, id = ''] = existing.id.split(':');
    if (!/^\d+$/.test(id) || (kind !== 'note' && kind !== 'ticket')) {
      throw new Error(`not a Freshdesk record id: ${existing.id}`);
    }
    const path = kind === 'note' ? `/api/v2/conversations/${id}` : `/api/v2/tickets/${id}`;
    const body =
      kind === 'note' ? { body: html(record) } : { subject: callSubject(record), description: html(record) };
    shape(idSchema, await send('PUT', path, body, signal), kind);
    return existing;
  }

  return {
    name: config.name,
    async write(record, existing, signal) {
      try {
        return existing === null ? await create(record, signal) : await update(record, existing, signal);
      } catch (error) {
        throw writeError(config.name, error);
      }
    },
  };
}

export const freshdeskKind: ProviderKind<FreshdeskConfig> = {
  parse: parseFreshdeskEntry,
  create: createFreshdeskProvider,
  createWriter: createFreshdeskWriter,
};
