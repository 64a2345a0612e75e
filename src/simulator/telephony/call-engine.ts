// The call engine: starts scenario flows, keeps live and recent calls, and feeds every listener (both APIs).
import type { SimContext } from '../context.ts';
import { CallHub } from './call-hub.ts';
import type { CallListener, CallRecord } from './call-hub.ts';
import type { ConversationRegistry } from './call-events.ts';
import type { Conversation } from './conversation.ts';
import { DirectoryView } from './directory.ts';
import { FlowContext } from './flow-context.ts';
import type { Timers } from './flow-context.ts';
import { liveTimestamp, uuidV4 } from './format.ts';
import { parsePlaceCall, planCall } from './place-call.ts';

/** Ended calls kept for GET /_sim/calls and the recovery endpoints. */
const KEEP_ENDED = 500;
/** Pruning scans every call: done once per this many placed calls, not per call (500 calls/s, ~20,000 live). */
const PRUNE_EVERY = 64;

export interface PlacedCall {
  readonly conversationSpaceId: string;
  readonly originatorId: string;
  readonly callId: string;
  readonly expected: { readonly outcome: string; readonly answeredBy: string | null };
  readonly [key: string]: unknown;
}

export class CallEngine implements ConversationRegistry {
  readonly hub = new CallHub();
  readonly directory: DirectoryView;
  private readonly calls = new Map<string, CallRecord>();
  private placedSincePrune = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly timers: Timers,
  ) {
    this.directory = new DirectoryView(ctx.directory);
  }

  listen(listener: CallListener): void {
    this.hub.listen(listener);
  }

  /** Validates the scenario body (SimInputError → 400), starts the flow and returns the new call's ids. */
  place(body: unknown): PlacedCall {
    const input = parsePlaceCall(body);
    const plan = planCall(input, this.directory);
    const call: CallRecord = {
      id: uuidV4(),
      scenario: input.scenario,
      accountKey: plan.accountKey,
      organizationId: this.directory.organizationOf(plan.accountKey),
      originatorId: uuidV4(),
      conversations: [],
      expected: { outcome: plan.outcome, answeredBy: plan.answeredBy },
      startedAt: this.ctx.clock.now(),
      ended: false,
      recorded: false,
    };
    this.calls.set(call.id, call);
    this.prune();
    const flow = new FlowContext(call, this.directory, this.hub, this.timers, this.ctx.clock);
    plan.run(flow).catch((error: unknown) => {
      console.error('telephony: scenario flow failed', call.id, error);
    });
    const first = call.conversations[0] as Conversation;
    return {
      callId: call.id,
      conversationSpaceId: first.id,
      originatorId: originatorIdOf(call),
      expected: call.expected,
    };
  }

  get(id: string): Conversation | undefined {
    for (const conversation of this.all()) {
      if (conversation.id === id) {
        return conversation;
      }
    }
    return undefined;
  }

  *all(): Iterable<Conversation> {
    for (const call of this.calls.values()) {
      yield* call.conversations;
    }
  }

  callList(): readonly CallRecord[] {
    return [...this.calls.values()];
  }

  /** GET /_sim/calls: one summary per call, newest last. */
  summaries(): readonly unknown[] {
    return this.callList().map((call) => ({
      callId: call.id,
      scenario: call.scenario,
      accountKey: call.accountKey,
      originatorId: originatorIdOf(call),
      startedAt: liveTimestamp(call.startedAt),
      ended: call.ended,
      expected: call.expected,
      conversations: call.conversations.map((c) => ({
        conversationSpaceId: c.id,
        direction: c.metadata.direction,
        states: c.history.length,
        lastState: c.history[c.history.length - 1]?.type ?? null,
      })),
    }));
  }

  private prune(): void {
    this.placedSincePrune += 1;
    if (this.calls.size <= KEEP_ENDED || this.placedSincePrune < PRUNE_EVERY) {
      return;
    }
    this.placedSincePrune = 0;
    const ended = [...this.calls.values()].filter((c) => c.ended);
    for (const call of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) {
      this.calls.delete(call.id);
    }
  }
}

/**
 * Legacy `originatorId`: one id shared by every leg of the call (§4.5); on an outbound call it is the
 * dialling line's `legId` (fixtures README #12).
 */
export function originatorIdOf(call: CallRecord): string {
  const first = call.conversations[0];
  if (first?.metadata.direction === 'OUTBOUND') {
    return first.everyone[0]?.legId ?? call.originatorId;
  }
  return call.originatorId;
}
