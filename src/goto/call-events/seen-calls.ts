// What the Call Events source has seen of each call: metadata and latest snapshot while live, and which ended.
import type { CallSnapshotEvent } from '../../calls/types.ts';
import type { CallMetadata } from './schema.ts';
import { BoundedSet, RecencyMap } from '../../util/bounded.ts';

export interface SeenCall {
  readonly metadata: CallMetadata;
  /** The snapshot with the highest sequence number delivered so far. */
  readonly last: CallSnapshotEvent;
  /**
   * Date.now() when a state of this call was last handed to the sink as an event (0: only ever listed by a
   * recovery). The tracker's own "last heard" moves the same way, and recovery ends calls by it.
   */
  readonly seenAt: number;
}

/** Bounded (least recently touched dropped first): a call centre never has anywhere near `limit` live calls. */
export class SeenCalls {
  readonly #live: RecencyMap<string, SeenCall>;
  readonly #ended: BoundedSet<string>;

  constructor(limit = 10_000) {
    this.#live = new RecencyMap(limit);
    this.#ended = new BoundedSet(limit);
  }

  /** `now` null: the state came in a recovery's active list, which does not count as hearing from the call. */
  record(event: CallSnapshotEvent, metadata: CallMetadata, now: number | null): void {
    const id = event.callId;
    if (this.#ended.has(id)) {
      return;
    }
    if (event.stateType === 'ENDING') {
      this.#live.delete(id);
      this.#ended.add(id);
      return;
    }
    const known = this.#live.get(id);
    const newer = known === undefined || event.seq > known.last.seq;
    const last = newer ? event : known.last;
    // Only a newer state is news of the call. A state delivered again (a recovery reading from 1) or history
    // is not: the tracker drops or files it without counting it as heard, and a recovery must then still check
    // the call, or the tracker ends it blind ("not active") while the source skipped it as "heard since".
    const seenAt = now !== null && newer ? now : (known?.seenAt ?? now ?? 0);
    this.#live.set(id, { metadata: known?.metadata ?? metadata, last, seenAt });
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
