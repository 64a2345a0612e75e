// Turns the tracker's call changes and the lookup's results into versioned cards for the right agents.
import { CallAudience, popLinesOf, type AgentDirectory } from './audience.ts';
import { buildCard, pendingEnrichment, type CardEnrichment } from './card-builder.ts';
import type { Call, CallChange, Party } from '../calls/types.ts';
import { externalParty } from '../calls/external-party.ts';
import { isUnknownParty } from '../calls/call-state.ts';
import type { Card, CardLine } from '../shared/messages.ts';
import type { TraceAnnotation } from '../shared/trace.ts';
import type { AgentSettings, PushHub } from './ports.ts';

/** The caller lookup as pops sees it: a first result within the budget, then late updates. */
export interface CardLookup {
  start(call: Call, update: (enrichment: CardEnrichment) => void): void;
}

/** The subset of pino pops writes to. */
export interface PopLog {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface PopServiceDeps {
  readonly directory: AgentDirectory;
  readonly hub: PushHub;
  readonly lookup: CardLookup;
  readonly log: PopLog;
  /** Called after each publish (metrics: pop latency, cards sent). */
  readonly published?: (card: Card, recipients: readonly string[]) => void;
  /** Adds to the call's trace who the card went to and which lines nobody pops on (the tracker's annotate). */
  readonly trace?: (callId: string, annotation: TraceAnnotation) => void;
  /** How long an ended call stays routable for late lookup updates and notes, ms. */
  readonly retentionMs?: number;
  /** Ended calls kept at most (the oldest go first), so memory is bounded at any call rate. Default 50,000. */
  readonly maxEnded?: number;
  /**
   * After this long, an ended call keeps only its last card and who got it (notes still update the card):
   * the call, its lookup result and its routing are let go. Default 60 s, the tracker's own grace.
   */
  readonly compactAfterMs?: number;
  /** Clock of the retention, ms (default Date.now). */
  readonly now?: () => number;
  /**
   * Added to every card version: several instances, where a new leader numbers a call's versions from 1 again
   * and the hubs drop versions at or below the one an agent has. The composition root passes the leader's
   * epoch × VERSIONS_PER_EPOCH, so versions never go backwards across a switch. Default 0.
   */
  readonly versionBase?: () => number;
}

/** Versions one leader may give one call before the next epoch's range (2^20: far above any real call's). */
export const VERSIONS_PER_EPOCH = 2 ** 20;

/** The version base of a leader epoch; epochs up to 2^33 stay safe integers. */
export function versionBaseOf(epoch: number): number {
  return epoch * VERSIONS_PER_EPOCH;
}

/** An ended call past compactAfterMs: its last card, the agents who got it, its own version count. */
interface ArchivedCall {
  card: Card;
  version: number;
  readonly sentTo: Set<string>;
}

const NONE: readonly string[] = Object.freeze([]);

/** Recipients named in each trace entry of a sent card; the rest are counted. */
const TRACED_RECIPIENTS = 12;

interface CallState {
  call: Call;
  enrichment: CardEnrichment;
  version: number;
  notes: Card['notes'];
  readonly audience: CallAudience;
  readonly seenLines: Map<string, CardLine>;
  readonly sentTo: Set<string>;
  /** The party the lookup was started for. */
  lookedUp: Party;
  /** When the call ended (deps.now), null while live. */
  endedAt: number | null;
}

export class PopService {
  /** Calls visited by agentChanged, counted so tests can prove a sign-in does not walk every call (issue 12). */
  readonly work = { callsVisited: 0 };
  private readonly calls = new Map<string, CallState>();
  /** Calls not ended yet, by every line that took part: a sign-in looks only at its own lines' calls. */
  private readonly liveByLine = new Map<string, Set<CallState>>();
  private readonly live = new Set<CallState>();
  /**
   * Ended calls in the order they ended, read from `endedHead`: dropped past the retention or the count limit.
   * One queue instead of a timer per call (a contact centre ends hundreds of calls a minute).
   */
  private endedQueue: CallState[] = [];
  private endedHead = 0;
  /** Position in endedQueue up to which ended calls were archived (endedHead ≤ compactHead). */
  private compactHead = 0;
  private readonly archived = new Map<string, ArchivedCall>();

  constructor(private readonly deps: PopServiceDeps) {}

  /** The tracker's sink: every change of every call. */
  onCallChange(change: CallChange): void {
    const known = this.calls.get(change.call.id);
    const state = known ?? this.track(change.call);
    state.call = change.call;
    this.publish(state, change.reasons.join(','));
    const party = externalParty(change.call);
    // Once per call, and again when the party it looked up was unknown (the first state heard lacked the caller:
    // a call first heard of by its ENDING, its earlier states coming back late).
    if (known === undefined || (party !== state.lookedUp && isUnknownParty(state.lookedUp))) {
      state.lookedUp = party;
      this.deps.lookup.start(change.call, (enrichment) => this.onLookup(change.call.id, party, enrichment));
    }
    if (change.call.phase === 'ended' && state.endedAt === null) {
      this.unindex(state);
      state.endedAt = this.now();
      this.endedQueue.push(state);
      this.dropEnded(state.endedAt);
    }
  }

  /**
   * An agent signed in or changed settings: live calls on their lines pop for them right away (every live call
   * for a supervisor). Only those calls are visited, not every call held.
   */
  agentChanged(agent: AgentSettings): void {
    const directory = this.deps.directory;
    directory.put(agent);
    const affected = directory.isSupervisor(agent.principal)
      ? this.live
      : this.liveOnLines(popLinesOf(agent));
    for (const state of affected) {
      this.work.callsVisited++;
      this.send(state, state.audience.recipients(directory), 'agent-changed');
    }
  }

  /** Notes were saved on a call: its card shows them. */
  notesSaved(callId: string, notes: { text: string | null; disposition: string | null }): void {
    const state = this.calls.get(callId);
    if (state === undefined) {
      this.archivedNotes(callId, notes);
      return;
    }
    state.notes = notes;
    this.publish(state, 'notes');
  }

  /** The current card of a call, when the call is still held in memory. */
  card(callId: string): Card | null {
    const state = this.calls.get(callId);
    return state === undefined ? (this.archived.get(callId)?.card ?? null) : this.render(state);
  }

  /** Whether `principal` may see this call (a recipient now or before). */
  canSee(principal: string, callId: string): boolean {
    const sentTo = this.calls.get(callId)?.sentTo ?? this.archived.get(callId)?.sentTo;
    return sentTo?.has(principal) === true || this.deps.directory.isSupervisor(principal);
  }

  close(): void {
    this.endedQueue = [];
    this.endedHead = 0;
    this.compactHead = 0;
    this.archived.clear();
    this.calls.clear();
    this.live.clear();
    this.liveByLine.clear();
  }

  /** Live calls on any of these lines, each once, in the order they were first seen. */
  private liveOnLines(lineIds: readonly string[]): Set<CallState> {
    const out = new Set<CallState>();
    for (const lineId of lineIds) {
      for (const state of this.liveByLine.get(lineId) ?? []) {
        out.add(state);
      }
    }
    return out;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /**
   * Archives ended calls past compactAfterMs (last card only), and forgets them past the retention or the count
   * limit, oldest first. One pass over one queue, in the order the calls ended.
   */
  private dropEnded(now: number): void {
    const retentionMs = this.deps.retentionMs ?? 15 * 60_000;
    const compactAfterMs = Math.min(this.deps.compactAfterMs ?? 60_000, retentionMs);
    const maxEnded = this.deps.maxEnded ?? 50_000;
    const queue = this.endedQueue;
    while (this.endedHead < queue.length) {
      const oldest = queue[this.endedHead]!;
      if (oldest.endedAt! + retentionMs > now && queue.length - this.endedHead <= maxEnded) {
        break;
      }
      const id = oldest.call.id;
      if (this.calls.get(id) === oldest) {
        this.calls.delete(id);
      } else if (this.archived.get(id)?.sentTo === oldest.sentTo) {
        this.archived.delete(id);
      }
      this.endedHead++;
    }
    this.compactHead = Math.max(this.compactHead, this.endedHead);
    while (this.compactHead < queue.length && queue[this.compactHead]!.endedAt! + compactAfterMs <= now) {
      const state = queue[this.compactHead]!;
      if (this.calls.get(state.call.id) === state && state.call.phase === 'ended') {
        this.calls.delete(state.call.id);
        this.archived.set(state.call.id, {
          card: this.render(state),
          version: state.version,
          sentTo: state.sentTo,
        });
      }
      this.compactHead++;
    }
    if (this.endedHead > 1024 && this.endedHead * 2 > queue.length) {
      this.endedQueue = queue.slice(this.endedHead);
      this.compactHead -= this.endedHead;
      this.endedHead = 0;
    }
  }

  /** Notes on an archived call: its last card again, with the notes, to the agents who got it. */
  private archivedNotes(callId: string, notes: { text: string | null; disposition: string | null }): void {
    const archived = this.archived.get(callId);
    if (archived === undefined) {
      return;
    }
    archived.version += 1;
    archived.card = {
      ...archived.card,
      notes,
      version: (this.deps.versionBase?.() ?? 0) + archived.version,
    };
    const recipients = [...archived.sentTo];
    this.deps.hub.publish(recipients, archived.card);
    this.deps.published?.(archived.card, recipients);
  }

  /** Ended calls still held (tests). */
  get endedHeld(): number {
    return this.endedQueue.length - this.endedHead;
  }

  /** Ended calls held as their last card only (tests). */
  get archivedHeld(): number {
    return this.archived.size;
  }

  private unindex(state: CallState): void {
    this.live.delete(state);
    for (const lineId of state.audience.seen()) {
      const states = this.liveByLine.get(lineId);
      states?.delete(state);
      if (states?.size === 0) {
        this.liveByLine.delete(lineId);
      }
    }
  }

  private track(call: Call): CallState {
    // A call archived and heard of again (an event the tracker still let through): its versions go on.
    const archived = this.archived.get(call.id);
    this.archived.delete(call.id);
    const state: CallState = {
      call,
      enrichment: pendingEnrichment(call),
      version: archived?.version ?? 0,
      notes: archived?.card.notes ?? null,
      audience: new CallAudience(),
      seenLines: new Map(),
      sentTo: archived?.sentTo ?? new Set(),
      lookedUp: externalParty(call),
      endedAt: null,
    };
    this.calls.set(call.id, state);
    this.live.add(state);
    return state;
  }

  private onLookup(callId: string, party: Party, enrichment: CardEnrichment): void {
    const state = this.calls.get(callId);
    if (state === undefined || state.lookedUp !== party) {
      return; // an unknown party's answer, after the lookup of the caller heard later
    }
    state.enrichment = enrichment;
    this.publish(state, `lookup:${enrichment.lookup.status}`);
  }

  private publish(state: CallState, reason: string): void {
    const added = state.audience.observe(state.call);
    if (added.length > 0) {
      this.traceRoute(state.call, added);
    }
    for (const lineId of added) {
      if (this.live.has(state)) {
        const states = this.liveByLine.get(lineId) ?? new Set<CallState>();
        states.add(state);
        this.liveByLine.set(lineId, states);
      }
    }
    for (const leg of state.call.legs) {
      const seen = state.seenLines.get(leg.lineId);
      if (seen?.state !== leg.state || seen.name !== leg.name || seen.extension !== leg.extension) {
        state.seenLines.set(leg.lineId, {
          lineId: leg.lineId,
          extension: leg.extension,
          name: leg.name,
          state: leg.state,
        });
      }
    }
    state.version += 1;
    this.send(state, state.audience.recipients(this.deps.directory), reason);
  }

  private send(state: CallState, recipients: readonly string[], reason: string): void {
    const card = this.render(state);
    for (const principal of recipients) {
      state.sentTo.add(principal);
    }
    this.deps.hub.publish(recipients, card);
    this.deps.trace?.(card.callId, {
      kind: 'card',
      version: card.version,
      phase: card.phase,
      reason,
      recipients: recipients.slice(0, TRACED_RECIPIENTS),
      more: Math.max(0, recipients.length - TRACED_RECIPIENTS),
      notOpen: this.notOpen(recipients),
    });
    // debug, not info: a line per card update is ~5 a call (1,000 a second at 200 calls/s) on the pop path;
    // cards are counted on /metrics (screenpop_cards_published_total, screenpop_first_pop_seconds).
    this.deps.log.debug(
      {
        callId: card.callId,
        version: card.version,
        phase: card.phase,
        recipients: recipients.length,
        reason,
      },
      'card published',
    );
    this.deps.published?.(card, recipients);
  }

  /** Recipients without a screenpop tab open (the first few): their card waits until they open one. */
  private notOpen(recipients: readonly string[]): readonly string[] {
    const hub = this.deps.hub;
    if (this.deps.trace === undefined || hub.isOpen === undefined) {
      return NONE;
    }
    const waiting = recipients.filter((p) => !hub.isOpen!(p));
    // Usually nobody: one shared empty array, not one kept in the trace per card update.
    return waiting.length === 0 ? NONE : waiting.slice(0, TRACED_RECIPIENTS);
  }

  /** Lines that joined the call: who pops on each, and who left it out of their pop lines. */
  private traceRoute(call: Call, lineIds: readonly string[]): void {
    const trace = this.deps.trace;
    if (trace === undefined) {
      return;
    }
    const lines = lineIds.map((lineId) => {
      const leg = call.legs.find((l) => l.lineId === lineId);
      return {
        lineId,
        extension: leg?.extension ?? null,
        name: leg?.name ?? null,
        ...this.deps.directory.lineRoute(lineId),
      };
    });
    trace(call.id, { kind: 'route', lines });
  }

  private render(state: CallState): Card {
    return buildCard({
      call: state.call,
      enrichment: state.enrichment,
      version: (this.deps.versionBase?.() ?? 0) + state.version,
      notes: state.notes,
      seenLines: state.seenLines,
    });
  }
}
