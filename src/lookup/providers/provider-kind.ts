// The shape of one provider kind: how its entry is parsed, and how its config becomes a running provider.
import type { Clock } from '../../calls/ports.ts';
import type { LookupProvider } from '../provider.ts';
import type { CallRecordWriter } from './call-record.ts';
import type { EntryContext, ProviderBase } from './provider-entry.ts';

export interface ProviderKind<C extends ProviderBase> {
  /** One entry (its type already chosen) → this kind's config; null after pushing its problems to ctx. */
  parse(entry: unknown, ctx: EntryContext): C | null;
  /** The parsed config → a provider the lookup runs. */
  create(config: C, clock: Clock): LookupProvider;
  /** The config → its CRM call-log writer; absent (or null for this config) when the kind or entry logs nothing. */
  createWriter?(config: C, clock: Clock): CallRecordWriter | null;
}
