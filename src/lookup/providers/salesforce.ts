// The "salesforce" provider kind: SOSL phone search over Contact, Lead and Account (company, owner, open Cases);
// its call log (a completed call Task) is in salesforce-task.ts.
// Plain fetch + zod, not jsforce: three REST calls (search, query, sobjects/Task); jsforce is a whole-API client
// (metadata, bulk, streaming) pulling in its own HTTP stack and dependencies for what two URLs do.
import { z } from 'zod';
import type { Clock } from '../../calls/ports.ts';
import type { LookupProvider, ProviderNumber } from '../provider.ts';
import type { Contact, Ticket } from '../types.ts';
import { connectorProvider, shape } from './crm-fetch.ts';
import { connectorFields, crmContact, crmTicket, digits, origin } from './connector-entry.ts';
import { secret, secretRef } from './connector-entry.ts';
import type { ConnectorTimeouts } from './connector-entry.ts';
import { baseConfig, entrySchema, parseEntry } from './provider-entry.ts';
import type { EntryContext, ProviderBase } from './provider-entry.ts';
import type { ProviderKind } from './provider-kind.ts';
import { SALESFORCE_ID, sharedSession } from './salesforce-session.ts';
import type { SalesforceAuth } from './salesforce-session.ts';
import { createSalesforceWriter } from './salesforce-task.ts';

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

type SfRecord = z.infer<typeof recordSchema>;
type SfCase = z.infer<typeof caseSchema>;

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

export function createSalesforceProvider(config: SalesforceConfig, clock: Clock): LookupProvider {
  const session = sharedSession(config);
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
        return parsed.success && SALESFORCE_ID.test(parsed.data.Id) ? [parsed.data] : [];
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

  return connectorProvider(config, clock, find);
}

export const salesforceKind: ProviderKind<SalesforceConfig> = {
  parse: parseSalesforceEntry,
  create: createSalesforceProvider,
  createWriter: createSalesforceWriter,
};
