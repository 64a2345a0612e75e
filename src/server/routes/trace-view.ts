// The tracker's trace entries as the browser reads them (src/shared/trace.ts), and the lines a trace names
// (who may read it: agents whose lines rang or took part).
import type { CallTrace, TraceEntry } from '../../calls/index.ts';
import type { CallEvent } from '../../calls/types.ts';
import type { TraceStep } from '../../shared/trace.ts';

function eventLegs(event: CallEvent): { line: string; state: string }[] {
  switch (event.kind) {
    case 'snapshot':
      return event.legs.map((l) => ({ line: l.extension ?? l.lineId, state: l.state }));
    case 'leg':
      return [{ line: event.leg.extension ?? event.leg.lineId, state: event.leg.state }];
    default: {
      const never: never = event;
      return never;
    }
  }
}

export function toStep(entry: TraceEntry): TraceStep {
  if (entry.kind !== 'event') {
    return entry;
  }
  return {
    at: entry.at,
    kind: 'event',
    verdict: entry.verdict,
    source: entry.event.source,
    summary: entry.summary,
    legs: eventLegs(entry.event),
    blind: entry.event.kind === 'leg' && entry.event.blind === true,
    ending: entry.event.kind === 'snapshot' && entry.event.stateType === 'ENDING',
  };
}

/** Every line id the trace names: legs of its frames and the lines pops routed. */
export function traceLineIds(trace: CallTrace): Set<string> {
  const out = new Set<string>();
  for (const entry of trace.entries) {
    if (entry.kind === 'event') {
      const event = entry.event;
      if (event.kind === 'snapshot') {
        event.legs.forEach((l) => out.add(l.lineId));
      } else {
        out.add(event.leg.lineId);
      }
    } else if (entry.kind === 'route') {
      entry.lines.forEach((l) => out.add(l.lineId));
    }
  }
  return out;
}
