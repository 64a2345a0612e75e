// Turns the tracker's call changes and the lookup's results into versioned cards for the right agents.
import { CallAudience, popLinesOf, type AgentDirectory } from './audience.ts';
import { buildCard, pendingEnrichment, type CardEnrichment } from './card-builder.ts';
import type { Call, CallChange } from '../calls/types.ts';
import type { Card, CardLine } from '../shared/messages.ts';
import type { AgentSettings, PushHub } from './ports.ts';

/** The caller lookup as pops sees it: a first result within the budget, then late updates. */
export interface CardLookup {
  start(call: Call, update: (enrichment: CardEnrichment) => void): void;
}

/** The subset of pino pops writes to. */
export interface PopLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface PopServiceDeps {
  readonly directory: AgentDirectory;
  readonly hub: PushHub;
  readonly lookup: CardLookup;
  readonly log: PopLog;
  /** Called after each publish (metrics: pop latency, cards sent). */
  readonly published?: (card: Card, recipients: readonly string[]) => void;
  /** How long an ended call stays routable for late lookup updates and notes, ms. */
  readonly retentionMs?: number;
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

interface CallState {
  call: Call;
  enrichment: CardEnrichment;
  version: number;
  notes: Card['notes'];
  readonly audience: CallAudience;
  readonly seenLines: Map<string, CardLine>;
  readonly sentTo: Set<string>;
  evict: ReturnType<typeof setTimeout> | null;
}

export class PopService {
  /** Calls visited by agentChanged, counted so tests can prove a sign-in does not walk every call (issue 12). */
  readonly work = { callsVisited: 0 };
  private readonly calls = new Map<string, CallState>();
  /** Calls not ended yet, by every line that took part: a sign-in looks only at its own lines' calls. */
  private readonly liveByLine = new Map<string, Set<CallState>>();
  private readonly live = new Set<CallState>();

  constructor(private readonly deps: PopServiceDeps) {}

  /** The tracker's sink: every change of every call. */
  onCallChange(change: CallChange): void {
    const known = this.calls.get(change.call.id);
    const state = known ?? this.track(change.call);
    state.call = change.call;
    this.publish(state, change.reasons.join(','));
    if (known === undefined) {
      this.deps.lookup.start(change.call, (enrichment) => this.onLookup(change.call.id, enrichment));
    }
    if (change.call.phase === 'ended' && state.evict === null) {
      this.unindex(state);
      state.evict = setTimeout(() => this.calls.delete(change.call.id), this.deps.retentionMs ?? 15 * 60_000);
      state.evict.unref();
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
      return;
    }
    state.notes = notes;
    this.publish(state, 'notes');
  }

  /** The current card of a call, when the call is still held in memory. */
  card(callId: string): Card | null {
    const state = this.calls.get(callId);
    return state === undefined ? null : this.render(state);
  }

  /** Whether `principal` may see this call (a recipient now or before). */
  canSee(principal: string, callId: string): boolean {
    const state = this.calls.get(callId);
    if (state === undefined) {
      return this.deps.directory.isSupervisor(principal);
    }
    return state.sentTo.has(principal) || this.deps.directory.isSupervisor(principal);
  }

  close(): void {
    for (const state of this.calls.values()) {
      if (state.evict !== null) {
        clearTimeout(state.evict);
      }
    }
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
    const state: CallState = {
      call,
      enrichment: pendingEnrichment(call),
      version: 0,
      notes: null,
      audience: new CallAudience(),
      seenLines: new Map(),
      sentTo: new Set(),
      evict: null,
    };
    this.calls.set(call.id, state);
    this.live.add(state);
    return state;
  }

  private onLookup(callId: string, enrichment: CardEnrichment): void {
    const state = this.calls.get(callId);
    if (state === undefined) {
      return;
    }
    state.enrichment = enrichment;
    this.publish(state, `lookup:${enrichment.lookup.status}`);
  }

  private publish(state: CallState, reason: string): void {
    for (const lineId of state.audience.observe(state.call)) {
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
    this.deps.log.info(
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
