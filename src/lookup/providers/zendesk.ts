// The "zendesk" provider kind: user search by phone (with organization and open tickets) and one ticket per call.
// Plain fetch + zod, not node-zendesk: we make four calls (search, organizations, ticket search, ticket create or
// update), and the SDK brings its own HTTP layer, throttling and logging for the whole API.
//
// Call logging: one ticket per call, the way Zendesk Talk records calls itself (a call is a ticket with its
// details in a private comment). An update (notes saved later) adds a private comment to that same ticket:
// Zendesk comments cannot be edited, and a note on the caller's latest open ticket instead would mix the call
// into an unrelated conversation. The Talk Partner Edition endpoint (channels/voice/tickets) is not used: it needs
// a Talk Partner Edition plan, which most accounts do not have.
import { z } from 'zod';
import type { Clock } from '../../calls/ports.ts';
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
  /** "acme" of acme.zendesk.com. */
  subdomain,
  /** API token auth: the agent's email plus a token from Admin Center → Apps and integrations → Zendesk API. */
  email: z.email().optional(),
  apiToken: secretRef.optional(),
  /** Or an OAuth access token (scopes read and write, or users:read tickets:read tickets:write). */
  oauthToken: secretRef.optional(),
  /** Status of the ticket an answered call becomes; missed and abandoned calls are left open (a call back is owed). */
  ticketStatus: z.enum(['new', 'open', 'pending', 'solved']).default('solved'),
  ...connectorFields,
}).refine((e) => (e.oauthToken === undefined) !== (e.apiToken === undefined || e.email === undefined), {
  message: 'set either email and apiToken, or oauthToken',
  path: ['apiToken'],
});

export interface ZendeskConfig extends ProviderBase<'zendesk'>, ConnectorTimeouts {
  readonly api: string;
  readonly web: string;
  readonly authorization: string;
  readonly ticketStatus: 'new' | 'open' | 'pending' | 'solved';
}

export function parseZendeskEntry(entry: unknown, ctx: EntryContext): ZendeskConfig | null {
  const e = parseEntry(schema, entry, ctx);
  if (e === null) {
    return null;
  }
  const web = `https://${e.subdomain}.zendesk.com`;
  const authorization =
    e.oauthToken !== undefined
      ? `Bearer ${secret(e.oauthToken, 'oauthToken', ctx)}`
      : basic(`${e.email ?? ''}/token`, secret(e.apiToken ?? '', 'apiToken', ctx));
  return {
    ...baseConfig('zendesk', e, ctx),
    api: origin(e.apiUrl ?? web),
    web,
    authorization,
    ticketStatus: e.ticketStatus,
    timeoutMs: e.timeoutMs,
    writeTimeoutMs: e.writeTimeoutMs,
    log: e.log,
  };
}

const userSchema = z.object({
  result_type: z.literal('user'),
  id: z.number(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  organization_id: z.number().nullable().optional(),
});
const ticketSchema = z.object({
  result_type: z.literal('ticket'),
  id: z.number(),
  subject: z.string().nullable().optional(),
  status: z.string().optional(),
});
const searchSchema = z.object({
  results: z.array(z.unknown()),
  next_page: z.string().nullable().optional(),
});
const orgsSchema = z.object({ organizations: z.array(z.object({ id: z.number(), name: z.string() })) });
const createdSchema = z.object({ ticket: z.object({ id: z.number() }) });
const listSchema = z.object({ tickets: z.array(z.object({ id: z.number() })) });

type User = z.infer<typeof userSchema>;

const MAX_PAGES = 3;
const MAX_USERS = 25;
const TICKETS_FOR = 5;

export function createZendeskProvider(config: ZendeskConfig, clock: Clock): LookupProvider {
  const headers = { authorization: config.authorization };
  const get = async (url: string, signal: AbortSignal): Promise<unknown> =>
    (await crmFetch({ url, headers, timeoutMs: config.timeoutMs, signal })).body;

  /** Search results of one type, following next_page — only on our API origin, so credentials never leave it. */
  async function search<T>(
    query: string,
    item: z.ZodType<T>,
    max: number,
    signal: AbortSignal,
  ): Promise<T[]> {
    const found: T[] = [];
    let url: string | null = `${config.api}/api/v2/search.json?${new URLSearchParams({ query })}`;
    for (let page = 0; url !== null && page < MAX_PAGES && found.length < max; page += 1) {
      const body: z.infer<typeof searchSchema> = shape(searchSchema, await get(url, signal), 'search');
      found.push(...body.results.flatMap((r) => (item.safeParse(r).success ? [item.parse(r)] : [])));
      const next: string | null = body.next_page ?? null;
      url = next !== null && next.startsWith(`${config.api}/`) ? next : null;
    }
    return found.slice(0, max);
  }

  async function organizations(users: readonly User[], signal: AbortSignal): Promise<Map<number, string>> {
    const ids = [...new Set(users.flatMap((u) => (u.organization_id == null ? [] : [u.organization_id])))];
    if (ids.length === 0) {
      return new Map();
    }
    const url = `${config.api}/api/v2/organizations/show_many.json?ids=${ids.join(',')}`;
    const body = shape(orgsSchema, await get(url, signal), 'organizations');
    return new Map(body.organizations.map((o) => [o.id, o.name]));
  }

  async function openTickets(user: User, signal: AbortSignal): Promise<Ticket[]> {
    const query = `type:ticket requester_id:${user.id} status<solved`;
    const tickets = await search(query, ticketSchema, 10, signal);
    return tickets.flatMap((t) =>
      crmTicket(t.id, t.subject, t.status, `${config.web}/agent/tickets/${t.id}`),
    );
  }

  async function find(n: ProviderNumber, signal: AbortSignal): Promise<Contact[]> {
    // Zendesk's documented caller search: digits only, a leading * so "+1 (312) 555-0140" matches too.
    const users = await search(
      `type:user phone:*${n.national ?? digits(n.e164)}`,
      userSchema,
      MAX_USERS,
      signal,
    );
    const [orgs, tickets] = await Promise.all([
      organizations(users, signal),
      Promise.all(users.map((u, i) => (i < TICKETS_FOR ? openTickets(u, signal) : Promise.resolve([])))),
    ]);
    return users.flatMap((u, i) => {
      const contact = crmContact(
        {
          provider: config.name,
          externalId: String(u.id),
          name: u.name,
          company: u.organization_id == null ? null : orgs.get(u.organization_id),
          email: u.email,
          recordUrl: `${config.web}/agent/users/${u.id}`,
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

function newTicket(config: ZendeskConfig, record: CrmCallRecord): Record<string, unknown> {
  const requester = record.contact?.externalId ?? '';
  return {
    subject: callSubject(record),
    comment: { body: callDescription(record), public: false },
    status: record.outcome === 'answered' ? config.ticketStatus : 'open',
    tags: ['screenpop', 'phone_call', `call_${record.outcome}`],
    external_id: `screenpop:${record.callId}`,
    // Without a Zendesk user (caller unknown, or pinned to a contact from elsewhere) the API user is the requester.
    ...(/^\d+$/.test(requester) ? { requester_id: Number(requester) } : {}),
  };
}

function update(record: CrmCallRecord): Record<string, unknown> {
  const lines = ['Call notes updated.'];
  if (record.disposition !== null) {
    lines.push(`Disposition: ${record.disposition}`);
  }
  lines.push('', record.notes ?? '(no notes)');
  return { subject: callSubject(record), comment: { body: lines.join('\n'), public: false } };
}

export function createZendeskWriter(config: ZendeskConfig): CallRecordWriter | null {
  if (!config.log) {
    return null;
  }
  const headers = { authorization: config.authorization };
  const link = (id: string): string => `${config.web}/agent/tickets/${id}`;
  return {
    name: config.name,
    // The ticket's external_id is screenpop's call id: a create whose answer was lost is found again by it.
    async find(record, signal): Promise<CrmRecordRef | null> {
      try {
        const q = new URLSearchParams({ external_id: `screenpop:${record.callId}` });
        const url = `${config.api}/api/v2/tickets.json?${q}`;
        const answer = await crmFetch({ url, headers, timeoutMs: config.writeTimeoutMs, signal });
        const first = shape(listSchema, answer.body, 'ticket list').tickets[0];
        return first === undefined ? null : { id: String(first.id), url: link(String(first.id)) };
      } catch (error) {
        throw writeError(config.name, error);
      }
    },
    async write(record, existing, signal): Promise<CrmRecordRef> {
      try {
        const answer = await crmFetch({
          method: existing === null ? 'POST' : 'PUT',
          url: `${config.api}/api/v2/tickets${existing === null ? '' : `/${encodeURIComponent(existing.id)}`}.json`,
          headers,
          body: { ticket: existing === null ? newTicket(config, record) : update(record) },
          timeoutMs: config.writeTimeoutMs,
          signal,
        });
        const id = String(shape(createdSchema, answer.body, 'ticket').ticket.id);
        return { id, url: link(id) };
      } catch (error) {
        throw writeError(config.name, error);
      }
    },
  };
}

export const zendeskKind: ProviderKind<ZendeskConfig> = {
  parse: parseZendeskEntry,
  create: createZendeskProvider,
  createWriter: createZendeskWriter,
};
