// The "pipedrive" provider kind: person search on phone (with org, owner and open deals) and a call activity.
// Plain fetch + zod, not the `pipedrive` SDK: we make four calls (search, deals, user, activity), and the SDK is a
// generated client for the whole API (hundreds of models) with its own HTTP stack and retry rules we would override.
import { z } from 'zod';
import type { Clock } from '../../calls/ports.ts';
import type { LookupProvider, ProviderNumber } from '../provider.ts';
import type { Contact } from '../types.ts';
import type { CallRecordWriter, CrmCallRecord, CrmRecordRef } from './call-record.ts';
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
import { CrmHttpError, crmFetch, connectorProvider, shape, writeError } from './crm-fetch.ts';
import { baseConfig, entrySchema, parseEntry } from './provider-entry.ts';
import type { EntryContext, ProviderBase } from './provider-entry.ts';
import type { ProviderKind } from './provider-kind.ts';

const schema = entrySchema({
  /** "acme" of acme.pipedrive.com: the API host and the links to records. */
  companyDomain: subdomain,
  /** A personal API token (sent as x-api-token), or an OAuth access token (sent as a bearer token). */
  apiToken: secretRef.optional(),
  accessToken: secretRef.optional(),
  ...connectorFields,
}).refine((e) => (e.apiToken === undefined) !== (e.accessToken === undefined), {
  message: 'set exactly one of apiToken and accessToken',
  path: ['apiToken'],
});

export interface PipedriveConfig extends ProviderBase<'pipedrive'>, ConnectorTimeouts {
  readonly api: string;
  readonly web: string;
  readonly auth: Readonly<Record<string, string>>;
}

export function parsePipedriveEntry(entry: unknown, ctx: EntryContext): PipedriveConfig | null {
  const e = parseEntry(schema, entry, ctx);
  if (e === null) {
    return null;
  }
  const web = `https://${e.companyDomain}.pipedrive.com`;
  const auth: Record<string, string> =
    e.apiToken !== undefined
      ? { 'x-api-token': secret(e.apiToken, 'apiToken', ctx) }
      : { authorization: `Bearer ${secret(e.accessToken ?? '', 'accessToken', ctx)}` };
  return {
    ...baseConfig('pipedrive', e, ctx),
    api: origin(e.apiUrl ?? `${web}/api/v1`),
    web,
    auth,
    timeoutMs: e.timeoutMs,
    writeTimeoutMs: e.writeTimeoutMs,
    log: e.log,
  };
}

const pagination = z
  .object({ more_items_in_collection: z.boolean().optional(), next_start: z.number().optional() })
  .optional()
  .nullable();

const searchSchema = z.object({
  data: z.object({
    items: z.array(
      z.object({
        item: z.object({
          id: z.number(),
          name: z.string().nullable().optional(),
          phones: z.array(z.string()).nullable().optional(),
          emails: z.array(z.string()).nullable().optional(),
          owner: z.object({ id: z.number() }).nullable().optional(),
          organization: z.object({ name: z.string().nullable().optional() }).nullable().optional(),
        }),
      }),
    ),
  }),
  additional_data: z.object({ pagination }).nullable().optional(),
});

const dealsSchema = z.object({
  data: z.array(z.object({ id: z.number(), title: z.string(), status: z.string().optional() })).nullable(),
});
const userSchema = z.object({ data: z.object({ name: z.string() }) });
const activitySchema = z.object({ data: z.object({ id: z.number() }) });
const notesSchema = z.object({
  data: z.array(z.object({ id: z.number(), note: z.string().nullable().optional() })).nullable(),
});

type Person = z.infer<typeof searchSchema>['data']['items'][number]['item'];

/** Search pages followed at most (Pipedrive caps a page at 500; we ask 100): a number shared by more is noise. */
const MAX_PAGES = 3;
const MAX_PEOPLE = 25;
/** Deals are read for the first few people only: one request each. */
const DEALS_FOR = 5;

/** The person's phone ends with the caller's national number (search matches substrings, so we re-check). */
function hasNumber(person: Person, national: string): boolean {
  return (person.phones ?? []).some((p) => {
    const d = digits(p);
    return d.length >= 7 && (d.endsWith(national) || national.endsWith(d));
  });
}

export function createPipedriveProvider(config: PipedriveConfig, clock: Clock): LookupProvider {
  const owners = new Map<number, string | null>();
  const get = async (path: string, signal: AbortSignal): Promise<unknown> =>
    (
      await crmFetch({
        url: `${config.api}${path}`,
        headers: config.auth,
        timeoutMs: config.timeoutMs,
        signal,
      })
    ).body;

  async function search(term: string, signal: AbortSignal): Promise<Person[]> {
    const people: Person[] = [];
    let start = 0;
    for (let page = 0; page < MAX_PAGES && people.length < MAX_PEOPLE; page += 1) {
      const q = new URLSearchParams({ term, fields: 'phone', start: String(start), limit: '100' });
      const body = shape(searchSchema, await get(`/persons/search?${q}`, signal), 'person search');
      people.push(...body.data.items.map((i) => i.item));
      const more = body.additional_data?.pagination;
      if (more?.more_items_in_collection !== true || more.next_start === undefined) {
        break;
      }
      start = more.next_start;
    }
    return people.filter((p) => hasNumber(p, term)).slice(0, MAX_PEOPLE);
  }

  async function owner(id: number | undefined, signal: AbortSignal): Promise<string | null> {
    if (id === undefined) {
      return null;
    }
    if (!owners.has(id)) {
      try {
        owners.set(id, shape(userSchema, await get(`/users/${id}`, signal), 'user').data.name);
      } catch (error) {
        // The owner is a nicety: a token without users:read (403) or a deleted user (404) still gets the card.
        if (error instanceof CrmHttpError && !error.retryable) {
          owners.set(id, null);
          return null;
        }
        throw error;
      }
    }
    return owners.get(id) ?? null;
  }

  async function toContact(person: Person, index: number, n: ProviderNumber, signal: AbortSignal) {
    const q = new URLSearchParams({ status: 'open', start: '0', limit: '10' });
    const deals =
      index < DEALS_FOR
        ? (shape(dealsSchema, await get(`/persons/${person.id}/deals?${q}`, signal), 'deals').data ?? [])
        : [];
    return crmContact(
      {
        provider: config.name,
        externalId: String(person.id),
        name: person.name,
        company: person.organization?.name,
        email: person.emails?.[0],
        owner: await owner(person.owner?.id, signal),
        recordUrl: `${config.web}/person/${person.id}`,
        tickets: deals.flatMap((d) =>
          crmTicket(d.id, d.title, d.status ?? 'open', `${config.web}/deal/${d.id}`),
        ),
      },
      n,
      clock.now(),
    );
  }

  return connectorProvider(config, clock, async (n, signal) => {
    const people = await search(n.national ?? digits(n.e164), signal);
    const contacts = await Promise.all(people.map((p, i) => toContact(p, i, n, signal)));
    return contacts.filter((c): c is Contact => c !== null);
  });
}

function hhmm(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Pipedrive renders an activity's note as HTML: the agent's text is escaped, its line breaks kept. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
}

function activityBody(record: CrmCallRecord): Record<string, unknown> {
  const start = new Date(record.startedAt).toISOString();
  const person = personOf(record);
  return {
    subject: callSubject(record),
    type: 'call',
    done: 1,
    due_date: start.slice(0, 10),
    due_time: start.slice(11, 16),
    duration: hhmm(record.talkSeconds),
    note: html(callDescription(record)),
    // A pinned contact from elsewhere has no Pipedrive id: the activity is then logged on its own.
    ...(person === null ? {} : { person_id: Number(person) }),
  };
}

/** The note carries the mark as a whole ("call-1" is not found in the note of "call-10"). */
function names(note: string, mark: string): boolean {
  for (let at = note.indexOf(mark); at !== -1; at = note.indexOf(mark, at + 1)) {
    if (!/[\w-]/.test(note.charAt(at + mark.length))) {
      return true;
    }
  }
  return false;
}

/** The caller's Pipedrive person id, when the contact is one (a pinned contact from elsewhere is not). */
function personOf(record: CrmCallRecord): string | null {
  const id = record.contact?.externalId ?? null;
  return id !== null && /^\d+$/.test(id) ? id : null;
}

export function createPipedriveWriter(config: PipedriveConfig): CallRecordWriter | null {
  if (!config.log) {
    return null;
  }
  const link = (person: string | null): string | null =>
    person === null ? null : `${config.web}/person/${person}`;
  return {
    name: config.name,
    // Activities have no external id: a lost create is found by the "screenpop call <id>" line of its note, among
    // the person's latest done activities (an activity without a person cannot be found again).
    async find(record, signal): Promise<CrmRecordRef | null> {
      const person = personOf(record);
      if (person === null) {
        return null;
      }
      try {
        const q = new URLSearchParams({ done: '1', start: '0', limit: '100' });
        const url = `${config.api}/persons/${person}/activities?${q}`;
        const answer = await crmFetch({
          url,
          headers: config.auth,
          timeoutMs: config.writeTimeoutMs,
          signal,
        });
        const mark = html(`screenpop call ${record.callId}`);
        const found = (shape(notesSchema, answer.body, 'activities').data ?? []).find((a) =>
          names(a.note ?? '', mark),
        );
        return found === undefined ? null : { id: String(found.id), url: link(person) };
      } catch (error) {
        throw writeError(config.name, error);
      }
    },
    async write(record, existing, signal): Promise<CrmRecordRef> {
      try {
        const answer = await crmFetch({
          method: existing === null ? 'POST' : 'PUT',
          url: `${config.api}/activities${existing === null ? '' : `/${encodeURIComponent(existing.id)}`}`,
          headers: config.auth,
          body: activityBody(record),
          timeoutMs: config.writeTimeoutMs,
          signal,
        });
        const id = String(shape(activitySchema, answer.body, 'activity').data.id);
        return { id, url: link(personOf(record)) };
      } catch (error) {
        throw writeError(config.name, error);
      }
    },
  };
}

export const pipedriveKind: ProviderKind<PipedriveConfig> = {
  parse: parsePipedriveEntry,
  create: createPipedriveProvider,
  createWriter: createPipedriveWriter,
};
