// Test helper: a CallEventSink that records everything and lets a test wait for a condition.
import type { CallEventSink } from '../../calls/ports.ts';
import type { CallEvent, CallSnapshotEvent } from '../../calls/types.ts';

export class RecordingSink implements CallEventSink {
  readonly events: CallEvent[] = [];
  readonly recoveries: { active: readonly CallEvent[]; reason: string; requestedAt?: number }[] = [];
  readonly notes: string[] = [];

  event(event: CallEvent): void {
    this.events.push(event);
  }

  recovered(active: readonly CallEvent[], reason: string, requestedAt?: number): void {
    this.recoveries.push({ active, reason, ...(requestedAt === undefined ? {} : { requestedAt }) });
  }

  note(message: string): void {
    this.notes.push(message);
  }

  /** A waitFor check: this call's ENDING state has arrived. */
  ended(callId: string): () => boolean {
    return () => this.snapshots(callId).some((e) => e.stateType === 'ENDING');
  }

  snapshots(callId?: string): CallSnapshotEvent[] {
    return this.events.filter(
      (e): e is CallSnapshotEvent => e.kind === 'snapshot' && (callId === undefined || e.callId === callId),
    );
  }
}

/** Polls `check` every 20 ms until it is true; fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function placeCall(simUrl: string, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${simUrl}/_sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { conversationSpaceId?: string; message?: string };
  if (response.status !== 201 || json.conversationSpaceId === undefined) {
    throw new Error(`placing a call failed: ${response.status} ${json.message ?? ''}`);
  }
  return json.conversationSpaceId;
}
