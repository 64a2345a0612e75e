// The "salesforce" provider kind: SOSL phone search over Contact, Lead and Account (company, owner, open Cases),
// and the call as a completed Task (a Call subtype) on the Contact or Lead, or on the Account.
// Plain fetch + zod, not jsforce: three REST calls (search, query, sobjects/Task); jsforce is a whole-API client
// (metadata, bulk, streaming) pulling in its own HTTP stack and dependencies for what two URLs do.
import { z } from 'zod';
import type { Clock } from '../../calls/ports.ts';
import type { LookupProvider, ProviderNumber } from '../provider.ts';
import type { Contact, Ticket } from '../types.ts';
import type { CallRecordWriter, CrmCallRecord, CrmRecordRef } from './call-record.ts';
import { rateLimitedLookup, shape, writeError } from './crm-fetch.ts';
import {
  callDescription,
  callSubject,
  connectorFields,
  crmContact,
  crmTicket,
  digits,
  origin,
} from './connector-entry.ts';
import { secret, secretRef } from './connector-entry.ts';
import type { ConnectorTimeouts } from './connector-entry.ts';
import { baseConfig, entrySchema, parseEntry } from './provider-entry.ts';
import type { EntryContext, ProviderBase } from './provider-entry.ts';
import type { ProviderKind } from './provider-kind.ts';
import { salesforceSession } from './salesforce-session.ts';
import type { SalesforceAuth, SalesforceSession } from './salesforce-session.ts';

const schema = entrySchema({
  /** The org's My Domain URL (https://acme.my.salesforce.com): API host, token endpoint and record links. */
  instanceUrl: z.url({ protocol: /^https?$/ }),
  apiVersion: z
    .string()
    .regex(/^v\d{2,3}\.0$/, 'like v62.0')
    .default('v62.0'),
  /** OAuth client credentials of an External Client App (or Connected App) with a run-as user. */
  clientId: secretRef.optional(),
  clientSecret: secretRef.optional(),
  /** Or an access token obtained elsewhere (it expires with the org's session timeout). */
  accessToken: secretRef.optional(),
  ...connectorFields,
}).refine(
  (e) => (e.accessToken === undefined) === (e.clientId !== undefined && e.clientSecret !== undefined),
  {
    message: 'set either clientId and clientSecret, or accessToken',
    path: ['clientId'],
  },
);

export interface SalesforceConfig extends ProviderBase<'salesforce'>, ConnectorTimeouts {
  /** Where the API is (instanceUrl, or apiUrl when given); links use web. */
  readonly api: string;
  readonly web: string;
  readonly apiVersion: string;
  readonly auth: SalesforceAuth;
}

export function parseSalesforceEntry(entry: unknown, ctx: EntryContext): SalesforceConfig | null {
  const e = parseEntry(schema, entry, ctx);
  if (e === null) {
    return null;
  }
  const auth: SalesforceAuth =
    e.accessToken !== undefined
      ? { kind: 'token', accessToken: secret(e.accessToken, 'accessToken', ctx) }
      : {
          kind: 'client',
          clientId: secret(e.clientId ?? '', 'clientId', ctx),
          clientSecret: secret(e.clientSecret ?? '', 'clientSecret', ctx),
        };
  return {
    ...baseConfig('salesforce', e, ctx),
    api: origin(e.apiUrl ?? e.instanceUrl),
    web: origin(e.instanceUrl),
    apiVersion: e.apiVersion,
    auth,
    timeoutMs: e.timeoutMs,
    writeTimeoutMs: e.writeTimeoutMs,
    log: e.log,
  };
}

const named = z.object({ Name: z.string().nullable().optional() }).nullable().optional();
const recordSchema = z.object({
  attributes: z.object({ type: z.enum(['Contact', 'Lead', 'Account']) }),
  Id: z.string(),
  Name: z.string().nullable().optional(),
  Email: z.string().nullable().optional(),
  Company: z.string().nullable().optional(),
  Account: named,
  Owner: named,
});
const searchSchema = z.object({ searchRecords: z.array(z.unknown()) });
const caseSchema = z.object({
  Id: z.string(),
  CaseNumber: z.string(),
  Subject: z.string().nullable().optional(),
  Status: z.string().nullable().optional(),
  ContactId: z.string().nullable().optional(),
  AccountId: z.string().nullable().optional(),
});
const querySchema = z.object({ records: z.array(caseSchema), nextRecordsUrl: z.string().optional() });
const createdSchema = z.object({ id: z.string() });
const taskQuerySchema = z.object({ records: z.array(z.object({ Id: z.string() })) });

type SfRecord = z.infer<typeof recordSchema>;
type SfCase = z.infer<typeof caseSchema>;

/** A Salesforce record id (15 or 18 characters): checked before it goes into a query or a Task. */
const ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;
const MAX_RECORDS = 25;
const MAX_CASE_PAGES = 3;

/** SOSL over the phone fields; the digits-only term needs no escaping (SOSL reserves + - and friends). */
export function phoneSearch(n: ProviderNumber): string {
  const term = n.national ?? digits(n.e164);
  return (
    `FIND {${digits(term)}} IN PHONE FIELDS RETURNING ` +
    'Contact(Id, Name, Email, Account.Name, Owner.Name), ' +
    'Lead(Id, Name, Email, Company, Owner.Name WHERE IsConverted = false), ' +
    `Account(Id, Name, Owner.Name) LIMIT ${MAX_RECORDS}`
  );
}

function openCases(ids: readonly string[]): string {
  const list = ids.map((id) => `'${id}'`).join(', ');
  return (
    'SELECT Id, CaseNumber, Subject, Status, ContactId, AccountId FROM Case ' +
    `WHERE IsClosed = false AND (ContactId IN (${list}) OR AccountId IN (${list})) ` +
    'ORDER BY LastModifiedDate DESC LIMIT 200'
  );
}

function company(r: SfRecord): unknown {
  switch (r.attributes.type) {
    case 'Contact':
      return r.Account?.Name;
    case 'Lead':
      return r.Company;
    case 'Account':
      return r.Name;
  }
}

/** The lookup and the writer of one config share a session, so they share one token. */
const sessions = new WeakMap<SalesforceConfig, SalesforceSession>();
function sessionFor(config: SalesforceConfig): SalesforceSession {
  let session = sessions.get(config);
  if (session === undefined) {
    session = salesforceSession(config.api, config.auth);
    sessions.set(config, session);
  }
  return session;
}

export function createSalesforceProvider(config: SalesforceConfig, clock: Clock): LookupProvider {
  const session = sessionFor(config);
  const data = `${config.api}/services/data/${config.apiVersion}`;
  const get = async (url: string, signal: AbortSignal): Promise<unknown> =>
    (await session.request({ url, timeoutMs: config.timeoutMs, signal })).body;

  async function cases(ids: readonly string[], signal: AbortSignal): Promise<SfCase[]> {
    const found: SfCase[] = [];
    let url: string | null = `${data}/query/?${new URLSearchParams({ q: openCases(ids) })}`;
    for (let page = 0; url !== null && page < MAX_CASE_PAGES; page += 1) {
      const body: z.infer<typeof querySchema> = shape(querySchema, await get(url, signal), 'case query');
      found.push(...body.records);
      // nextRecordsUrl is a path on the same instance ("/services/data/v62.0/query/01g…-2000").
      const next = body.nextRecordsUrl;
      url = next !== undefined && next.startsWith('/services/data/') ? `${config.api}${next}` : null;
    }
    return found;
  }

  async function find(n: ProviderNumber, signal: AbortSignal): Promise<Contact[]> {
    const q = new URLSearchParams({ q: phoneSearch(n) });
    const body = shape(searchSchema, await get(`${data}/search/?${q}`, signal), 'search');
    const records = body.searchRecords
      .flatMap((r) => {
        const parsed = recordSchema.safeParse(r);
        return parsed.success && ID.test(parsed.data.Id) ? [parsed.data] : [];
      })
      .slice(0, MAX_RECORDS);
    const withCases = records.filter((r) => r.attributes.type !== 'Lead').map((r) => r.Id);
    const open = withCases.length === 0 ? [] : await cases(withCases, signal);
    return records.flatMap((r) => {
      const tickets: Ticket[] = open
        .filter((c) => c.ContactId === r.Id || (r.attributes.type === 'Account' && c.AccountId === r.Id))
        .flatMap((c) =>
          crmTicket(
            c.CaseNumber,
            c.Subject ?? c.CaseNumber,
            c.Status,
            `${config.web}/lightning/r/Case/${c.Id}/view`,
          ),
        );
      const contact = crmContact(
        {
          provider: config.name,
          externalId: r.Id,
          name: r.Name,
          company: company(r),
          email: r.Email,
          owner: r.Owner?.Name,
          recordUrl: `${config.web}/lightning/r/${r.attributes.type}/${r.Id}/view`,
          tickets,
        },
        n,
        clock.now(),
      );
      return contact === null ? [] : [contact];
    });
  }

  const gate = rateLimitedLookup(config.name, clock);
  return {
    name: config.name,
    priority: config.priority,
    cacheTtlMs: config.cacheTtlMs,
    staleMs: config.staleMs,
    find: (n, signal) => gate(() => find(n, signal)),
  };
}

/** A value inside a SOQL string literal: backslash and quote escaped, as the SOQL reference says. */
function soqlText(text: string): string {
  return text.slice(0, 255).replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

const CALL_TYPE = { inbound: 'Inbound', outbound: 'Outbound', internal: 'Internal' } as const;

/** Who (Contact 003…, Lead 00Q…) or what (Account 001…) the Task is about, by the id's key prefix. */
function about(record: CrmCallRecord): Record<string, string> {
  const id = record.contact?.externalId ?? '';
  if (!ID.test(id)) {
    return {};
  }
  if (id.startsWith('003') || id.startsWith('00Q')) {
    return { WhoId: id };
  }
  return id.startsWith('001') ? { WhatId: id } : {};
}

function task(record: CrmCallRecord): Record<string, unknown> {
  return {
    Subject: callSubject(record).slice(0, 255),
    Status: 'Completed',
    Priority: 'Normal',
    CallType: CALL_TYPE[record.direction],
    CallDurationInSeconds: record.talkSeconds,
    CallObject: record.callId.slice(0, 255),
    CallDisposition: record.disposition?.slice(0, 255) ?? null,
    ActivityDate: new Date(record.startedAt).toISOString().slice(0, 10),
    Description: callDescription(record).slice(0, 32_000),
    ...about(record),
  };
}

export function createSalesforceWriter(config: SalesforceConfig): CallRecordWriter | null {
  if (!config.log) {
    return null;
  }
  const session = sessionFor(config);
  const tasks = `${config.api}/services/data/${config.apiVersion}/sobjects/Task`;
  const link = (id: string): string => `${config.web}/lightning/r/Task/${id}/view`;
  const data = `${config.api}/services/data/${config.apiVersion}`;
  return {
    name: config.name,
    // The Task's CallObject is screenpop's call id: a create whose answer was lost is found again by it.
    async find(record, signal): Promise<CrmRecordRef | null> {
      try {
        const q = `SELECT Id FROM Task WHERE CallObject = '${soqlText(record.callId)}' ORDER BY CreatedDate DESC LIMIT 1`;
        const url = `${data}/query/?${new URLSearchParams({ q })}`;
        const answer = await session.request({ url, timeoutMs: config.writeTimeoutMs, signal });
        const id = shape(taskQuerySchema, answer.body, 'Task query').records[0]?.Id;
        return id === undefined || !ID.test(id) ? null : { id, url: link(id) };
      } catch (error) {
        throw writeError(config.name, error);
      }
    },
    async write(record, existing, signal): Promise<CrmRecordRef> {
      try {
        if (existing === null) {
          // TaskSubtype can be set only when the Task is created (it makes the Task show as a call).
          const body = { ...task(record), TaskSubtype: 'Call' };
          const answer = await session.request({
            method: 'POST',
            url: tasks,
            body,
            timeoutMs: config.writeTimeoutMs,
            signal,
          });
          const id = shape(createdSchema, answer.body, 'Task').id;
          return { id, url: link(id) };
        }
        if (!ID.test(existing.id)) {
          throw new Error(`not a Salesforce record id: ${existing.id}`);
        }
        const url = `${tasks}/${existing.id}`;
        await session.request({
          method: 'PATCH',
          url,
          body: task(record),
          timeoutMs: config.writeTimeoutMs,
          signal,
        });
        return { id: existing.id, url: link(existing.id) };
      } catch (error) {
        throw writeError(config.name, error);
      }
    },
  };
}

export const salesforceKind: ProviderKind<SalesforceConfig> = {
  parse: parseSalesforceEntry,
  create: createSalesforceProvider,
  createWriter: createSalesforceWriter,
};
