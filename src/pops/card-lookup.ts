// The caller lookup as pops calls it (PopService's CardLookup port): each LookupResult becomes the card's fields.
import type { Call } from '../calls/types.ts';
import type { CallerLookup } from '../lookup/caller-lookup.ts';
import type { LookupLog } from '../lookup/provider-runner.ts';
import type { LookupResult } from '../lookup/types.ts';
import { toCardEnrichment } from './card-builder.ts';
import type { CardLookup } from './pop-service.ts';

/**
 * First result within the budget, then every late update. The lookup never rejects for a provider; a store
 * failure is logged and the card keeps its pending view.
 */
export function cardLookup(service: Pick<CallerLookup, 'lookup'>, log?: LookupLog): CardLookup {
  return {
    start(call: Call, update) {
      const send = (r: LookupResult): void => update(toCardEnrichment(r));
      service.lookup(call, send).then(send, (error: unknown) => {
        log?.warn({ callId: call.id, error: String(error) }, 'caller lookup failed');
      });
    },
  };
}
