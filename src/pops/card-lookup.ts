// The caller lookup as pops calls it (PopService's CardLookup port): each LookupResult becomes the card's fields.
import { performance } from 'node:perf_hooks';
import type { Call } from '../calls/types.ts';
import type { CallerLookup } from '../lookup/caller-lookup.ts';
import type { LookupLog } from '../lookup/provider-runner.ts';
import type { LookupResult } from '../lookup/types.ts';
import type { TraceAnnotation } from '../shared/trace.ts';
import { toCardEnrichment } from './card-builder.ts';
import type { CardLookup } from './pop-service.ts';

/**
 * First result within the budget, then every late update. The lookup never rejects for a provider; a store
 * failure is logged and the card keeps its pending view.
 */
export function cardLookup(
  service: Pick<CallerLookup, 'lookup'>,
  log?: LookupLog,
  trace?: (callId: string, annotation: TraceAnnotation) => void,
): CardLookup {
  return {
    start(call: Call, update) {
      const started = performance.now();
      const send = (r: LookupResult): void => {
        trace?.(call.id, lookupStep(r, performance.now() - started));
        update(toCardEnrichment(r));
      };
      service.lookup(call, send).then(send, (error: unknown) => {
        log?.warn({ callId: call.id, error: String(error) }, 'caller lookup failed');
      });
    },
  };
}

/** What the lookup found, for the call's trace: the top match and its source, and how each source fared. */
export function lookupStep(r: LookupResult, ms: number): TraceAnnotation {
  const top = r.matches[0];
  return {
    kind: 'lookup',
    status: r.status,
    matched: top === undefined ? null : { name: top.contact.name, source: top.source, how: top.reasonText },
    unknownReason: r.unknownReason,
    sources: r.sources.map((s) => ({ name: s.name, state: s.state, error: s.error })),
    ms: Math.round(ms),
  };
}
