// The "hubspot" provider kind: contacts by phone (CRM search on phone and mobilephone), with their company (the
// association's company record), owner, open tickets and a link to the record; and the call-log writer.
import { z } from 'zod';
import type { Clock } from '../../calls/ports.ts';
import { ProviderError } from '../provider.ts';
import type { LookupProvider, ProviderNumber } from '../provider.ts';
import type { Contact, Ticket } from '../types.ts';
import { HubSpotClient, HubSpotError, objectSchema } from './hubspot-client.ts';
import type { HubSpotObject } from './hubspot-client.ts';
import type { HubSpotConfig } from './hubspot-config.ts';
import { createHubSpotWriter } from './hubspot-writer.ts';
import { HubSpotLinks } from './hubspot-links.ts';
import type { CallRecordWriter } from './call-record.ts';
import { cleanText } from './provider-mapping.ts';
import type { ProviderKind } from './provider-kind.ts';
import { parseHubSpotEntry } from './hubspot-config.ts';

const CONTACT_PROPERTIES = [
  'firstname',
  'lastname',
  'email',
  'phone',
  'mobilephone',
  'company',
  'associatedcompanyid',
  'hubspot_owner_id',
];
/** A number matching more contacts than this is a shared switchboard; the card shows the first few. */
const MAX_CONTACTS = 5;
const MAX_TICKETS = 5;

const ownerSchema = z.object({
  id: z.string(),
  email: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
});

/** phone = X or mobilephone = X, for X in the E.164 and national forms (filter groups are ORed). */
function phoneFilters(n: ProviderNumber) {
  const values = [...new Set([n.e164, n.national].filter((v): v is string => v !== null && v !== ''))];
  return values.flatMap((value) =>
    ['phone', 'mobilephone'].map((propertyName) => ({
      filters: [{ propertyName, operator: 'EQ' as const, value }],
    })),
  );
}

function fullName(p: HubSpotObject['properties']): string | null {
  const name = [p.firstname, p.lastname].filter((s) => s !== null && s !== undefined && s !== '').join(' ');
  return cleanText(name) ?? cleanText(p.email);
}

async function optional<T>(work: Promise<T>, fallback: T): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof HubSpotError && (error.status === 403 || error.status === 404)) {
      return fallback;
    }
    throw error;
  }
}

export function createHubSpotProvider(config: HubSpotConfig, clock: Clock): LookupProvider {
  const client = new HubSpotClient(config);
  const links = new HubSpotLinks(client, config);
  const owners = new Map<string, string | null>();

  async function companyName(contact: HubSpotObject, signal: AbortSignal): Promise<string | null> {
    const id = contact.properties.associatedcompanyid;
    if (id === null || id === undefined || id === '') {
      return cleanText(contact.properties.company);
    }
    const company = await client.request(
      'GET',
      `/crm/v3/objects/companies/${encodeURIComponent(id)}?properties=name`,
      undefined,
      objectSchema,
      signal,
    );
    return cleanText(company.properties.name) ?? cleanText(contact.properties.company);
  }

  async function ownerName(contact: HubSpotObject, signal: AbortSignal): Promise<string | null> {
    const id = contact.properties.hubspot_owner_id;
    if (id === null || id === undefined || id === '') {
      return null;
    }
    if (!owners.has(id)) {
      const owner = await client.request(
        'GET',
        `/crm/v3/owners/${encodeURIComponent(id)}`,
        undefined,
        ownerSchema,
        signal,
      );
      const name = [owner.firstName, owner.lastName].filter(Boolean).join(' ');
      owners.set(id, cleanText(name) ?? cleanText(owner.email));
    }
    return owners.get(id) ?? null;
  }

  async function openTickets(contact: HubSpotObject, signal: AbortSignal): Promise<Ticket[]> {
    // Open: no close date yet (HubSpot sets closed_date when a ticket enters a closed pipeline stage).
    const tickets = await client.search(
      'tickets',
      {
        filterGroups: [
          {
            filters: [
              { propertyName: 'associations.contact', operator: 'EQ', value: contact.id },
              { propertyName: 'closed_date', operator: 'NOT_HAS_PROPERTY' },
            ],
          },
        ],
        properties: ['subject', 'hs_pipeline_stage'],
      },
      MAX_TICKETS,
      signal,
    );
    const base = await links.base(signal);
    return tickets.flatMap((t) => {
      const title = cleanText(t.properties.subject);
      return title === null
        ? []
        : [{ id: t.id, title, status: 'open', url: base === null ? null : `${base}/record/0-5/${t.id}` }];
    });
  }

  async function toContact(
    found: HubSpotObject,
    n: ProviderNumber,
    signal: AbortSignal,
  ): Promise<Contact | null> {
    const name = fullName(found.properties);
    if (name === null) {
      return null;
    }
    // The extras need scopes a private app may lack (403) or records that are gone (404): the caller is still
    // found, without them. Anything else (401, 429, 5xx, timeouts) fails the lookup like the search would.
    const [company, owner, tickets, url] = await Promise.all([
      optional(companyName(found, signal), cleanText(found.properties.company)),
      optional(ownerName(found, signal), null),
      optional(openTickets(found, signal), []),
      links.contact(found.id, signal),
    ]);
    const now = clock.now();
    return {
      id: `provider:${config.name}:${found.id}`,
      name,
      company,
      email: cleanText(found.properties.email),
      tier: null,
      tags: [],
      notes: null,
      custom: owner === null ? {} : { owner },
      phones: [{ raw: n.raw, e164: n.e164, label: null }],
      tickets,
      appointments: [],
      externalId: found.id,
      recordUrl: url,
      createdAt: now,
      updatedAt: now,
    };
  }

  return {
    name: config.name,
    priority: config.priority,
    cacheTtlMs: config.cacheTtlMs,
    staleMs: config.staleMs,
    async find(n, signal) {
      try {
        const found = await client.search(
          'contacts',
          { filterGroups: phoneFilters(n), properties: CONTACT_PROPERTIES },
          MAX_CONTACTS,
          signal,
        );
        const contacts = await Promise.all(found.map((c) => toContact(c, n, signal)));
        return contacts.filter((c): c is Contact => c !== null);
      } catch (error) {
        throw new ProviderError(
          config.name,
          error instanceof HubSpotError ? error.message : 'HubSpot lookup failed',
        );
      }
    },
  };
}

function createWriter(config: HubSpotConfig): CallRecordWriter | null {
  return config.logCalls ? createHubSpotWriter(config) : null;
}

export const hubspotKind: ProviderKind<HubSpotConfig> = {
  parse: parseHubSpotEntry,
  create: createHubSpotProvider,
  createWriter,
};
