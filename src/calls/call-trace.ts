// Per-call trace: what arrived, what it did, recoveries and source notes — the "why did no card show?" record.
import type { TraceAnnotation, TraceStep } from '../shared/trace.ts';
import type { CallEvent, CallPhase, CallSnapshotEvent, Party } from './types.ts';
import { RecencyMap } from '../util/bounded.ts';

/** What the tracker did with an event. */
export type EventVerdict =
  /** It changed the call. */
  | 'applied'
  /** Accepted, but the call was already in that state. */
  | 'no-change'
  /** Seen before (same notification id, sequence number or dialog entity). */
  | 'duplicate'
  /** Older than what the call has already applied; only history it added was kept. */
  | 'older'
  /** The call has ended; nothing reopens it. */
  | 'after-end';

export type TraceEntry =
  | {
      readonly at: number;
      readonly kind: 'event';
      readonly verdict: EventVerdict;
      /** Short description of the raw event ("snapshot seq 8 ACTIVE 2102:ringing"). */
      readonly summary: string;
      readonly event: CallEvent;
    }
  | {
      readonly at: number;
      readonly kind: 'transition';
      readonly version: number;
      readonly phase: CallPhase;
      readonly reasons: readonly string[];
    }
  | { readonly at: number; readonly kind: 'recovery'; readonly reason: string }
  | { readonly at: number; readonly kind: 'note'; readonly message: string }
  | { readonly at: number; readonly kind: 'log'; readonly message: string }
  /** Written by pops and the lookup (who the card went to, which lines nobody pops on, what the lookup found). */
  | Extract<TraceStep, { kind: 'route' | 'card' | 'lookup' }>;

/** What GET /api/calls/:id/trace returns. */
export interface CallTrace {
  readonly callId: string;
  readonly entries: readonly TraceEntry[];
  /** Oldest entries dropped to stay within the per-call bound. */
  readonly dropped: number;
}

export interface TraceOptions {
  /** How long a call's trace is kept after its last entry, ms. Default 1 h. */
  readonly retentionMs?: number;
  /** Entries kept per call (oldest dropped first). Default 300. */
  readonly maxEntriesPerCall?: number;
  /** Calls traced at once (least recently touched dropped first). Default 20,000. */
  readonly maxCalls?: number;
}

/** One line saying what the raw event was, for people reading the trace. */
export function describeEvent(event: CallEvent): string {
  switch (event.kind) {
    case 'snapshot': {
      const legs = event.legs.map((l) => `${l.extension ?? l.lineId}:${l.state}`).join(' ');
      const id = event.notificationId === null ? 'recovery' : `id ${event.notificationId}`;
      return `snapshot seq ${event.seq} ${event.stateType} ${event.direction} [${legs}] (${id})`;
    }
    case 'leg':
      return `leg ${event.leg.extension ?? event.leg.lineId} ${event.leg.state} entity ${event.entityId}${
        event.legId == null ? '' : ` device ${event.legId}`
      }`;
    default: {
      const never: never = event;
      return `unknown event ${JSON.stringify(never)}`;
    }
  }
}

type StoredEntry = Exclude<TraceEntry, { kind: 'event' }> | EventRecord;

type Annotated = Extract<TraceEntry, { kind: TraceAnnotation['kind'] }>;

/**
 * What pops or the lookup said, as a trace entry stamped `at`. Written out field by field, not as
 * `{ ...annotation, at }`: V8 gave every object spread at that call site (it sees the three kinds) a hidden class of
 * its own, ~270 bytes more per entry (15 MB of a 68 MB trace store at 6,900 calls, heap snapshot of a fan-out).
 */
export function stamped(annotation: TraceAnnotation, at: number): Annotated {
  switch (annotation.kind) {
    case 'card': {
      const { kind, version, phase, reason, recipients, more, notOpen } = annotation;
      return { at, kind, version, phase, reason, recipients, more, notOpen };
    }
    case 'route':
      return { at, kind: annotation.kind, lines: annotation.lines };
    case 'lookup': {
      const { kind, status, matched, unknownReason, sources, ms } = annotation;
      return { at, kind, status, matched, unknownReason, sources, ms };
    }
    default: {
      const never: never = annotation;
      return never;
    }
  }
}

/** An event's trace entry; the verdict is filled in once the tracker has applied the event. */
export interface EventRecord {
  readonly at: number;
  readonly kind: 'event';
  verdict: EventVerdict;
  readonly event: CallEvent;
}

interface Log {
  readonly entries: StoredEntry[];
  dropped: number;
  last: number;
  /** The call's last snapshot kept, whose unchanged parts the next one shares. */
  snapshot: CallSnapshotEvent | null;
}

const NO_LEGS: CallSnapshotEvent['legs'] = Object.freeze([]);
const NO_IDS: readonly string[] = Object.freeze([]);

/** `next`, or `kept` when every field of Party is equal. */
function sameParty(kept: Party | null | undefined, next: Party | null): Party | null {
  return kept != null &&
    next !== null &&
    kept.e164 === next.e164 &&
    kept.raw === next.raw &&
    kept.name === next.name &&
    kept.withheld === next.withheld &&
    kept.extension === next.extension
    ? kept
    : next;
}

function sameIds(kept: readonly string[], next: readonly string[]): readonly string[] {
  if (next.length === 0) {
    return NO_IDS;
  }
  return kept.length === next.length && kept.every((id, i) => id === next[i]) ? kept : next;
}

/**
 * A snapshot as the trace keeps it: equal field for field to the one that arrived (GET /api/calls/:id/trace shows
 * the same), but sharing with the call's previous snapshot what did not change (the parties, ids, queue), with its
 * legs in an exact-size array. Each frame brings its own copies, and a trace keeps ~7 snapshots a call for an hour:
 * ~2.5 KB of each call's ~7 KB trace (heap snapshot of a fan-out).
 */
function leaner(kept: CallSnapshotEvent | null, event: CallSnapshotEvent): CallSnapshotEvent {
  return {
    kind: event.kind,
    source: event.source,
    callId: kept?.callId === event.callId ? kept.callId : event.callId,
    notificationId: event.notificationId,
    accountKey: kept?.accountKey === event.accountKey ? kept.accountKey : event.accountKey,
    seq: event.seq,
    stateType: event.stateType,
    at: event.at,
    createdAt: event.createdAt,
    direction: event.direction,
    caller: sameParty(kept?.caller, event.caller),
    callee: sameParty(kept?.callee, event.callee),
    dialed: kept?.dialed === event.dialed ? kept.dialed : event.dialed,
    queue:
      kept?.queue != null &&
      event.queue !== null &&
      kept.queue.id === event.queue.id &&
      kept.queue.name === event.queue.name
        ? kept.queue
        : event.queue,
    legs: event.legs.length === 0 ? NO_LEGS : event.legs.slice(),
    associated: sameIds(kept?.associated ?? NO_IDS, event.associated),
  };
}

/** Bounded in time, per call and in calls; summaries are written when read, to keep the hot path cheap. */
export class TraceStore {
  /** By last touch: the least recently touched trace is the first to go (RecencyMap: O(1) at 20,000 calls). */
  readonly #logs: RecencyMap<string, Log>;
  /** Source notes that named no call, the newest 500. */
  readonly #notes: TraceEntry[] = [];
  readonly #retentionMs: number;
  readonly #maxEntries: number;
  readonly #maxCalls: number;

  constructor(options: TraceOptions = {}) {
    this.#retentionMs = options.retentionMs ?? 3_600_000;
    this.#maxEntries = options.maxEntriesPerCall ?? 300;
    this.#maxCalls = options.maxCalls ?? 20_000;
    this.#logs = new RecencyMap(this.#maxCalls);
  }

  /** Records an event before it is applied, so that its transition follows it in the trace. */
  event(callId: string, at: number, event: CallEvent): EventRecord {
    if (event.kind !== 'snapshot') {
      const record: EventRecord = { at, kind: 'event', verdict: 'no-change', event };
      this.#add(callId, record);
      return record;
    }
    const kept = leaner(this.#logs.get(callId)?.snapshot ?? null, event);
    const record: EventRecord = { at, kind: 'event', verdict: 'no-change', event: kept };
    this.#add(callId, record).snapshot = kept;
    return record;
  }

  add(callId: string, entry: Exclude<TraceEntry, { kind: 'event' }>): void {
    this.#add(callId, entry);
  }

  /** A source note that names no call (socket closed, channel refreshed...). */
  note(entry: TraceEntry): void {
    this.#notes.push(entry);
    if (this.#notes.length > 500) {
      this.#notes.shift();
    }
  }

  notes(): readonly TraceEntry[] {
    return this.#notes;
  }

  get(callId: string, now: number): CallTrace | null {
    const log = this.#logs.get(callId);
    if (log === undefined || log.last + this.#retentionMs < now) {
      return null;
    }
    const entries = log.entries.map((e): TraceEntry =>
      e.kind === 'event' ? { ...e, summary: describeEvent(e.event) } : e,
    );
    return { callId, entries, dropped: log.dropped };
  }

  /** Forgets traces untouched for longer than the retention. The map is in last-touched order. */
  sweep(now: number): void {
    for (let callId = this.#logs.oldest(); callId !== undefined; callId = this.#logs.oldest()) {
      if (this.#logs.get(callId)!.last + this.#retentionMs >= now) {
        return;
      }
      this.#logs.delete(callId);
    }
  }

  get size(): number {
    return this.#logs.size;
  }

  get retentionMs(): number {
    return this.#retentionMs;
  }

  #add(callId: string, entry: StoredEntry): Log {
    let log = this.#logs.get(callId);
    if (log === undefined) {
      log = { entries: [], dropped: 0, last: entry.at, snapshot: null };
      this.#logs.set(callId, log); // the least recently touched trace goes past maxCalls
    } else {
      this.#logs.touch(callId);
    }
    log.last = entry.at;
    log.entries.push(entry);
    if (log.entries.length > this.#maxEntries) {
      log.entries.shift();
      log.dropped++;
    }
    return log;
  }
}
