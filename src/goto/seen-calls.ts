// What the Call Events source has seen of each call: metadata and latest snapshot while live, and which ended.
import type { CallSnapshotEvent } from '../calls/types.ts';
import type { CallMetadata } from './call-events-schema.ts';

export interface SeenCall {
  readonly metadata: CallMetadata;
  /** The snapshot with the highest sequence number delivered so far. */
  readonly last: CallSnapshotEvent;
  /** Date.now() when a state of this call last arrived. */
  readonly seenAt: number;
}

/** Bounded (least recently touched dropped first): a call centre never has anywhere near `limit` live calls. */
export class SeenCalls {
  readonly #live = new Map<string, SeenCall>();
  readonly #ended = new Set<string>();

  constructor(private readonly limit = 10_000) {}

  record(event: CallSnapshotEvent, metadata: CallMetadata, now: number): void {
    const id = event.callId;
    if (this.#ended.has(id)) {
      return;
    }
    if (event.stateType === 'ENDING') {
      this.#live.delete(id);
      this.#ended.add(id);
      trim(this.#ended, this.limit);
      return;
    }
    const known = this.#live.get(id);
    this.#live.delete(id);
    const last = known === undefined || event.seq > known.last.seq ? event : known.last;
    this.#live.set(id, { metadata: known?.metadata ?? metadata, last, seenAt: now });
    trim(this.#live, this.limit);
  }

  get(id: string): SeenCall | undefined {
    return this.#live.get(id);
  }

  hasEnded(id: string): boolean {
    return this.#ended.has(id);
  }

  /** Calls seen and not seen ending, as [id, call]. */
  live(): [string, SeenCall][] {
    return [...this.#live.entries()];
  }

  get liveCount(): number {
    return this.#live.size;
  }
}

function trim(items: Set<string> | Map<string, unknown>, limit: number): void {
  while (items.size > limit) {
    const oldest = items.keys().next().value;
    if (oldest === undefined) {
      return;
    }
    items.delete(oldest);
  }
}
