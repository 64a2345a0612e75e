// The HubSpot call log: each call is a calls engagement (POST /crm/v3/objects/calls) associated with the contact,
// updated in place (PATCH /crm/v3/objects/calls/{id}) when notes are saved. screenpop's call id goes into
// hs_call_external_id, so a create whose answer was lost can be found again (calls search) instead of duplicated.
import type { CallRecordWriter, CrmCallRecord, CrmRecordRef } from './call-record.ts';
import { CrmWriteError } from './call-record.ts';
import { HubSpotClient, HubSpotError, objectSchema } from './hubspot-client.ts';
import type { HubSpotConfig } from './hubspot-config.ts';
import { HubSpotLinks } from './hubspot-links.ts';

/** HubSpot's association type id of call → contact (HUBSPOT_DEFINED). */
const CALL_TO_CONTACT = 194;

function body(record: CrmCallRecord): string {
  const lines = [
    record.agent === null ? null : `Agent: ${record.agent.name ?? record.agent.principal}`,
    record.disposition === null ? null : `Disposition: ${record.disposition}`,
    record.notes,
  ];
  return lines.filter((l): l is string => l !== null && l !== '').join('\n');
}

/** The calls engagement's properties (hs_call_duration is in milliseconds). */
export function callProperties(record: CrmCallRecord): Record<string, string> {
  return {
    hs_timestamp: new Date(record.startedAt).toISOString(),
    hs_call_title: `${record.direction === 'outbound' ? 'Call to' : 'Call from'} ${record.direction === 'outbound' ? record.to : record.from}`,
    hs_call_body: body(record),
    hs_call_direction: record.direction === 'outbound' ? 'OUTBOUND' : 'INBOUND',
    hs_call_duration: String(record.talkSeconds * 1000),
    hs_call_status: record.outcome === 'answered' ? 'COMPLETED' : 'NO_ANSWER',
    hs_call_from_number: record.from,
    hs_call_to_number: record.to,
    hs_call_external_id: record.callId,
  };
}

export function createHubSpotWriter(config: HubSpotConfig): CallRecordWriter {
  const client = new HubSpotClient(config);
  const links = new HubSpotLinks(client, config);

  async function ref(id: string, record: CrmCallRecord, signal: AbortSignal): Promise<CrmRecordRef> {
    // A call engagement has no page of its own: the link is the contact's record, whose timeline shows it.
    const contactId = record.contact?.externalId ?? null;
    return { id, url: contactId === null ? null : await links.contact(contactId, signal) };
  }

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof HubSpotError) {
        throw new CrmWriteError(
          config.name,
          error.message,
          error.retryable,
          error.status,
          error.retryAfterSeconds,
        );
      }
      throw error;
    }
  }

  return {
    name: config.name,
    write(record, existing, signal) {
      return guarded(async () => {
        const properties = callProperties(record);
        if (existing !== null) {
          await client.request(
            'PATCH',
            `/crm/v3/objects/calls/${encodeURIComponent(existing.id)}`,
            { properties },
            objectSchema,
            signal,
          );
          return ref(existing.id, record, signal);
        }
        const contactId = record.contact?.externalId ?? null;
        const associations =
          contactId === null
            ? []
            : [
                {
                  to: { id: contactId },
                  types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: CALL_TO_CONTACT }],
                },
              ];
        const created = await client.request(
          'POST',
          '/crm/v3/objects/calls',
          { properties, associations },
          objectSchema,
          signal,
        );
        return ref(created.id, record, signal);
      });
    },
    find(record, signal) {
      return guarded(async () => {
        const found = await client.search(
          'calls',
          {
            filterGroups: [
              { filters: [{ propertyName: 'hs_call_external_id', operator: 'EQ', value: record.callId }] },
            ],
            properties: ['hs_call_external_id'],
          },
          1,
          signal,
        );
        const first = found[0];
        return first === undefined ? null : ref(first.id, record, signal);
      });
    },
  };
}
