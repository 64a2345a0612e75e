// What a scenario flow may do: open conversations, change parties, wait simulated time, emit numbered states.
import type { CallHub, CallRecord } from './call-hub.ts';
import { Conversation } from './conversation.ts';
import type { DialogView, LineParty, Participant } from './conversation.ts';
import type { DirectoryView } from './directory.ts';
import type { SimClock } from '../context.ts';

/** Pending simulated-time waits of every flow, so that shutdown can cancel them all. */
export class Timers {
  private readonly pending = new Set<() => void>();
  private stopped = false;

  constructor(private readonly clock: SimClock) {}

  /** Runs fn after simulated ms unless stopped first; returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    if (this.stopped) {
      return () => undefined;
    }
    const cancel = this.clock.after(Math.max(0, ms), () => {
      this.pending.delete(cancel);
      fn();
    });
    this.pending.add(cancel);
    return () => {
      this.pending.delete(cancel);
      cancel();
    };
  }

  /** Resolves after simulated ms; never resolves once stopped (the flow is simply abandoned). */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.after(ms, resolve);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.pending) {
      cancel();
    }
    this.pending.clear();
  }
}

export class FlowContext {
  constructor(
    readonly call: CallRecord,
    readonly directory: DirectoryView,
    private readonly hub: CallHub,
    private readonly timers: Timers,
    private readonly clock: SimClock,
  ) {}

  now(): number {
    return this.clock.now();
  }

  wait(ms: number): Promise<void> {
    return this.timers.wait(ms);
  }

  open(init: { direction: 'INBOUND' | 'OUTBOUND'; dialString: string | null }): Conversation {
    const conversation = new Conversation({
      ...init,
      accountKey: this.call.accountKey,
      callCreated: this.now(),
    });
    this.call.conversations.push(conversation);
    return conversation;
  }

  /** Snapshots the conversation as it is now and hands the state to every listener. */
  emit(conversation: Conversation, ending = false): void {
    if (ending) {
      conversation.participants.splice(0);
      conversation.ivrs.splice(0);
    }
    const state = conversation.snapshot(this.now(), ending);
    if (ending && this.call.conversations.every((c) => c.ended)) {
      this.call.ended = true;
    }
    this.hub.state(this.call, conversation, state);
  }

  addLine(
    conversation: Conversation,
    party: LineParty,
    status: string,
    dialog: DialogView,
    originator?: string,
  ): Participant {
    const participant = conversation.add(party, status, originator);
    participant.dialog = dialog;
    return participant;
  }

  /**
   * Parties leave one per state, each DISCONNECTING first and gone in the next state, then ENDING with
   * `participants: []` (§6.0 #5, fixtures b–e). The order does not tell who hung up.
   */
  async teardown(
    conversation: Conversation,
    order: readonly Participant[],
    hangup: string | null,
  ): Promise<void> {
    let previous: Participant | null = null;
    for (const participant of order) {
      if (previous !== null) {
        await this.wait(45);
        conversation.remove(previous);
      }
      conversation.setStatus(participant, 'DISCONNECTING');
      this.emit(conversation);
      previous = participant;
    }
    conversation.metadata.hangupOriginatorId = hangup;
    this.emit(conversation, true);
  }
}

/** Legacy view of a line's own identity (name + extension). */
export function lineIdentity(party: LineParty): { name: string; number: string } {
  return { name: party.line.name, number: party.line.extension };
}
