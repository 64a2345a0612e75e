// Several instances on one PostgreSQL database: what the edge of any instance changes reaches the leader, which
// holds the calls' state (agents signing in or changing settings, notes saved, sign-outs), and only the leader's
// events reach the call tracker.
//
// What stays per instance, and why that is fine:
// - pops.canSee: the edge falls back to the hub's wasSent, which the PostgreSQL hub keeps in the database.
// - the tracker's trace of a call: only the leader has it; on a follower GET /api/calls/:id/trace answers 404 (a
//   supervisor's debugging aid, read on the leader's /metrics-listed instance).
// - rate limits: per instance, so the effective limit is N × the configured one behind a round-robin proxy.
// - card-view audit dedupe and "callback already used" (login-state.ts): per instance; the sealed login cookie
//   and GoTo's own refusal of a reused code keep a replay across instances from signing anyone in.
import type { Logger } from 'pino';
import type { CallTracker } from '../calls/index.ts';
import type { CallEventSink } from '../calls/ports.ts';
import type { PopService } from '../pops/pop-service.ts';
import type { AgentSettings } from '../pops/ports.ts';
import type { ClusterNotice, ClusterNoticeBus } from '../store/postgres/cluster-notices.ts';
import type { Store } from '../store/store.ts';
import type { GoToConnection } from './goto-connection.ts';

/** Decides, per event, whether the leader delivers it now, holds it, or drops it (Leadership.admit). */
export interface EventGate {
  admit(deliver: () => void): void;
}

/** The tracker as the GoTo sources see it: each event passes through the leadership gate (checked per event). */
export function leaderOnlySink(tracker: CallTracker, gate: EventGate): CallEventSink {
  return {
    event: (event) => gate.admit(() => tracker.event(event)),
    recovered: (active, reason, requestedAt) =>
      gate.admit(() => tracker.recovered(active, reason, requestedAt)),
    note: (message, callId) => tracker.note(message, callId),
  };
}

export interface ClusterRelayDeps {
  /** null: one instance (SQLite); everything stays local. */
  readonly bus: ClusterNoticeBus | null;
  readonly store: Pick<Store, 'agents' | 'callLog'>;
  readonly pops: PopService;
  readonly goto: () => GoToConnection;
  readonly log: Logger;
}

/** The edge's side of pops and GoTo: acts locally, then tells the other instances. */
export class ClusterRelay {
  constructor(private readonly deps: ClusterRelayDeps) {
    deps.bus?.onNotice((notice) => void this.#received(notice));
  }

  /** LiveCalls.canSee for the edge. */
  canSee(principal: string, callId: string): boolean {
    return this.deps.pops.canSee(principal, callId);
  }

  /** LiveCalls.agentChanged for the edge (the agent is already saved). */
  agentChanged(agent: AgentSettings): void {
    this.deps.pops.agentChanged(agent);
    this.#tell({ kind: 'agent', principal: agent.principal });
  }

  notesSaved(callId: string, notes: { text: string | null; disposition: string | null }): void {
    this.deps.pops.notesSaved(callId, notes);
    this.#tell({ kind: 'notes', callId });
  }

  async signedOut(principal: string): Promise<void> {
    await this.deps.goto().agentSignedOut(principal);
    this.#tell({ kind: 'signout', principal });
  }

  #tell(notice: ClusterNotice): void {
    this.deps.bus?.send(notice).catch((error: unknown) => {
      this.deps.log.warn(
        { kind: notice.kind, reason: String(error) },
        'could not notify the other instances',
      );
    });
  }

  /** Every instance applies it: the leader routes with it now, a follower is up to date when it takes over. */
  async #received(notice: ClusterNotice): Promise<void> {
    try {
      switch (notice.kind) {
        case 'agent': {
          const agent = await this.deps.store.agents.getAgent(notice.principal);
          if (agent !== null) {
            this.deps.pops.agentChanged(agent);
            await this.deps.goto().signedInElsewhere(agent.principal);
          }
          return;
        }
        case 'notes': {
          const entry = await this.deps.store.callLog.get(notice.callId);
          if (entry !== null) {
            this.deps.pops.notesSaved(notice.callId, { text: entry.notes, disposition: entry.disposition });
          }
          return;
        }
        case 'signout':
          await this.deps.goto().stopAgent(notice.principal);
          return;
      }
    } catch (error) {
      this.deps.log.warn(
        { kind: notice.kind, reason: String(error) },
        'a notice from another instance failed',
      );
    }
  }
}
