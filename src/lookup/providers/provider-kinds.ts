// The table of provider kinds an entry's "type" may name (default "http"). A new kind (a CRM preset such as
// HubSpot or Zendesk) is one file exporting a ProviderKind, and one row here.
import type { Clock } from '../../calls/ports.ts';
import type { LookupProvider } from '../provider.ts';
import type { CallRecordWriter } from './call-record.ts';
import { freshdeskKind } from './freshdesk.ts';
import { parseHttpEntry } from './http-config.ts';
import type { HttpProviderConfig } from './http-config.ts';
import { createHttpLogWriter } from './http-log-writer.ts';
import { createHttpProvider } from './http-provider.ts';
import { hubspotKind } from './hubspot-provider.ts';
import { pipedriveKind } from './pipedrive.ts';
import type { EntryContext } from './provider-entry.ts';
import type { ProviderKind } from './provider-kind.ts';
import { salesforceKind } from './salesforce.ts';
import { zendeskKind } from './zendesk.ts';

const kinds = {
  http: {
    parse: parseHttpEntry,
    create: createHttpProvider,
    createWriter: (c: HttpProviderConfig) => (c.log === null ? null : createHttpLogWriter(c, c.log)),
  },
  hubspot: hubspotKind,
  pipedrive: pipedriveKind,
  freshdesk: freshdeskKind,
  salesforce: salesforceKind,
  zendesk: zendeskKind,
};

/** The kind an entry without "type" is: configs written before kinds existed keep working. */
export const DEFAULT_PROVIDER_TYPE = 'http';

export type ProviderType = keyof typeof kinds;
type ConfigOf<K> = K extends ProviderKind<infer C> ? C : never;
type ConfigMap = { [T in ProviderType]: ConfigOf<(typeof kinds)[T]> };

/** A parsed provider entry, of any kind (tell them apart by `type`). */
export type ProviderConfig = ConfigMap[ProviderType];

// Typed as a mapped type so that table[type] and its config stay paired (no cast needed to create).
const table: { [T in ProviderType]: ProviderKind<ConfigMap[T]> } = kinds;

export const PROVIDER_TYPES = Object.keys(table) as readonly string[];

export function isProviderType(type: string): type is ProviderType {
  return Object.hasOwn(table, type);
}

/** One entry through the parser of the kind its "type" named. */
export function parseEntryOfKind(
  type: ProviderType,
  entry: unknown,
  ctx: EntryContext,
): ProviderConfig | null {
  return table[type].parse(entry, ctx);
}

function createOfKind<T extends ProviderType>(type: T, config: ConfigMap[T], clock: Clock): LookupProvider {
  return table[type].create(config, clock);
}

function writerOfKind<T extends ProviderType>(
  type: T,
  config: ConfigMap[T],
  clock: Clock,
): CallRecordWriter | null {
  return table[type].createWriter?.(config, clock) ?? null;
}

/** The entry's call-log writer, when its kind and config log calls to the CRM. */
export function createWriter(config: ProviderConfig, clock: Clock): CallRecordWriter | null {
  return writerOfKind(config.type, config, clock);
}

/** The running provider for a parsed entry, made by its kind. */
export function createProvider(config: ProviderConfig, clock: Clock): LookupProvider {
  return createOfKind(config.type, config, clock);
}
