// "Why did no card show?": find calls by number or call id, and read one call's trace with what the call log knows.
// An agent finds the calls on their own GoTo lines (rang them or took part, card or not: that is the "why no card"
// case) and the calls whose card they got; a supervisor finds every call. Anything else answers 404.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CallTrace, TraceEntry } from '../../calls/index.ts';
import type { Call } from '../../calls/types.ts';
import type { CallLogStore } from '../../lookup/ports.ts';
import type { CallLogEntry } from '../../shared/api.ts';
import type { CallTraceView, TraceSearchHit, TraceStep } from '../../shared/trace.ts';
import { AppError } from '../errors.ts';
import { principalOf } from './me.ts';
import { toStep, traceLineIds } from './trace-view.ts';

export interface TraceRoutesDeps {
  readonly isSupervisor: (principal: string) => Promise<boolean>;
  /** The agent's GoTo lines (all of them, popping or not). */
  readonly agentLines: (principal: string) => Promise<readonly string[]>;
  /** Whether the agent was sent the call's card. */
  readonly wasSent: (principal: string, callId: string) => Promise<boolean>;
  readonly trace: (callId: string) => CallTrace | null;
  /** Connection notes that named no call (socket closed, recovery...), oldest first. */
  readonly sourceNotes: () => readonly TraceEntry[];
  readonly retentionMs: number;
  /** The tracker's calls: live ones and those ended in the last minute. */
  readonly liveCalls: () => readonly Call[];
  readonly callLog: Pick<CallLogStore, 'get' | 'list'>;
  /** A typed number → E.164, or null when it is no phone number. */
  readonly e164: (text: string) => string | null;
}

export const searchQuery = z.object({ q: z.string().trim().min(1).max(200) }).strict();
const idParams = z.object({ id: z.string().min(1).max(200) });
/** Hits returned by one search. */
const LIMIT = 50;
/** Connection notes from this long before the call's first step count as the call's context. */
const NOTES_BEFORE_MS = 60_000;

/** Who may read a call: a supervisor, an agent with one of the call's lines, or an agent who got its card. */
type Reader = (callId: string, lineIds: Iterable<string>) => Promise<boolean>;

async function readerOf(deps: TraceRoutesDeps, request: FastifyRequest): Promise<Reader> {
  const principal = principalOf(request);
  if (await deps.isSupervisor(principal)) {
    return async () => true;
  }
  const mine = new Set(await deps.agentLines(principal));
  return async (callId, lineIds) => {
    for (const lineId of lineIds) {
      if (mine.has(lineId)) {
        return true;
      }
    }
    return deps.wasSent(principal, callId);
  };
}

function liveHit(call: Call, traced: boolean): TraceSearchHit {
  const party = call.direction === 'outbound' ? (call.callee ?? call.caller) : call.caller;
  return {
    callId: call.id,
    startedAt: call.startedAt,
    callerE164: party.e164,
    callerRaw: party.raw,
    callerName: party.name,
    lineIds: call.legs.map((l) => l.lineId),
    phase: call.phase,
    outcome: call.outcome,
    traced,
    logged: false,
  };
}

function loggedHit(entry: CallLogEntry, traced: boolean): TraceSearchHit {
  return {
    callId: entry.callId,
    startedAt: entry.startedAt,
    callerE164: entry.callerE164,
    callerRaw: entry.callerRaw,
    callerName: entry.callerName,
    lineIds: entry.lineIds,
    phase: 'ended',
    outcome: entry.outcome,
    traced,
    logged: true,
  };
}

/** Calls matching the text as a call id or as a number, live ones first, newest first; logged wins over live. */
async function search(deps: TraceRoutesDeps, q: string): Promise<TraceSearchHit[]> {
  const e164 = deps.e164(q);
  const traced = (id: string): boolean => deps.trace(id) !== null;
  const byId = new Map<string, TraceSearchHit>();
  for (const call of deps.liveCalls()) {
    const parties = [call.caller.e164, call.callee?.e164];
    if (call.id === q || (e164 !== null && parties.includes(e164))) {
      byId.set(call.id, liveHit(call, traced(call.id)));
    }
  }
  const logged = await Promise.all([
    deps.callLog.get(q),
    e164 === null ? [] : deps.callLog.list({ callerE164: e164, limit: LIMIT }),
  ]);
  for (const entry of [...(logged[0] === null ? [] : [logged[0]]), ...logged[1]]) {
    byId.set(entry.callId, loggedHit(entry, traced(entry.callId)));
  }
  const trace = byId.has(q) ? null : deps.trace(q);
  if (trace !== null) {
    // Traced but neither live nor logged (its frames never made a call, or its row is still on the way).
    byId.set(q, {
      callId: q,
      startedAt: trace.entries[0]?.at ?? 0,
      callerE164: null,
      callerRaw: '',
      callerName: null,
      lineIds: [...traceLineIds(trace)],
      phase: 'ended',
      outcome: null,
      traced: true,
      logged: false,
    });
  }
  return [...byId.values()].sort((a, b) => b.startedAt - a.startedAt).slice(0, LIMIT);
}

/** The call's lines from everything that knows it: the live call, its log row, its trace. */
function linesOf(call: Call | undefined, logged: CallLogEntry | null, trace: CallTrace | null): Set<string> {
  const out = trace === null ? new Set<string>() : traceLineIds(trace);
  call?.legs.forEach((l) => out.add(l.lineId));
  logged?.lineIds.forEach((id) => out.add(id));
  return out;
}

/** The GoTo connection's notes around the call's steps (a socket down meanwhile explains a missing card). */
function connectionNotes(notes: readonly TraceEntry[], steps: readonly TraceStep[]): TraceStep[] {
  const first = steps[0]?.at;
  const last = steps.at(-1)?.at;
  if (first === undefined || last === undefined) {
    return [];
  }
  return notes
    .filter((n) => n.at >= first - NOTES_BEFORE_MS && n.at <= last)
    .map((n): TraceStep => {
      // Context, not this call's own steps: the call's recoveries are on it already (tracker.recovered).
      const what = n.kind === 'recovery' ? `checked the active calls (${n.reason})` : toStep(n);
      return {
        at: n.at,
        kind: 'note',
        message: `GoTo connection: ${typeof what === 'string' ? what : noteText(what)}`,
      };
    });
}

function noteText(step: TraceStep): string {
  return step.kind === 'note' || step.kind === 'log' ? step.message : step.kind;
}

export async function traceRoutes(app: FastifyInstance, deps: TraceRoutesDeps): Promise<void> {
  app.get('/api/traces', async (request) => {
    const query = searchQuery.safeParse(request.query);
    if (!query.success) {
      throw new AppError(
        'invalid_query',
        query.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    const mayRead = await readerOf(deps, request);
    const hits = await search(deps, query.data.q);
    const allowed = await Promise.all(hits.map((h) => mayRead(h.callId, h.lineIds)));
    return { items: hits.filter((_, i) => allowed[i]) };
  });

  app.get('/api/traces/:id', async (request): Promise<CallTraceView> => {
    const { id } = idParams.parse(request.params);
    const mayRead = await readerOf(deps, request);
    const trace = deps.trace(id);
    const call = deps.liveCalls().find((c) => c.id === id);
    const logged = await deps.callLog.get(id);
    const known = trace !== null || call !== undefined || logged !== null;
    // Someone else's call answers exactly like a call that does not exist.
    if (!known || !(await mayRead(id, linesOf(call, logged, trace)))) {
      throw new AppError('call_not_found');
    }
    const steps = trace?.entries.map(toStep) ?? [];
    const notes = connectionNotes(deps.sourceNotes(), steps);
    return {
      callId: id,
      trace:
        trace === null
          ? null
          : { steps: [...steps, ...notes].sort((a, b) => a.at - b.at), dropped: trace.dropped },
      retentionMs: deps.retentionMs,
      logged,
    };
  });
}
