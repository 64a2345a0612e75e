// The tracker's live map: one entry per call, live or ended less than the grace period ago, and the ended ids
// remembered after that so late events cannot bring a call back.
import { BoundedSet } from '../util/bounded.ts';
import type { LogJob } from './call-log-queue.ts';
import type { LineDevices } from './line-devices.ts';
import type { Call } from './types.ts';

export interface Entry {
  /** Null only while the first event is being applied. */
  call: Call | null;
  /** Highest Call Events sequence number applied; -1 for none. */
  lastSeq: number;
  readonly seqs: Set<number>;
  /** Realtime device states; created on the first leg event. */
  devices: LineDevices | null;
  /** Clock time of the last event received for this call. */
  touched: number;
  /** Clock time the call ended; null while live. */
  endedClock: number | null;
  /** The final call-log write has started: history can no longer be added. */
  sealed: boolean;
  /** The pending call-log write, once ended. */
  job: LogJob | null;
}

/** Not in the live map until its first transition commits it. */
export function newEntry(now: number): Entry {
  return {
    call: null,
    lastSeq: -1,
    seqs: new Set(),
    devices: null,
    touched: now,
    endedClock: null,
    sealed: false,
    job: null,
  };
}

/** Sequence numbers below the newest that this call has not seen (Call Events numbers states 1..n). */
export function holes(entry: Entry): number {
  return entry.lastSeq < 0 ? 0 : entry.lastSeq - entry.seqs.size;
}

/** The call-log job of an ended call: it reads the entry, which late history may still change. */
export function logJob(entry: Entry, callId: string): LogJob {
  return {
    callId,
    current: () => entry.call!,
    holes: () => holes(entry),
    seal: () => {
      entry.sealed = true;
    },
    wake: null,
  };
}

export class LiveCalls {
  readonly #live = new Map<string, Entry>();
  /** Ended calls still in the live map, in the order they ended: [callId, clock time]; read from #endedHead. */
  #endedQueue: [string, number][] = [];
  #endedHead = 0;
  readonly #ended: BoundedSet<string>;

  constructor(
    private readonly graceMs: number,
    endedIdsLimit: number,
  ) {
    this.#ended = new BoundedSet(endedIdsLimit);
  }

  get(callId: string): Entry | undefined {
    return this.#live.get(callId);
  }

  set(callId: string, entry: Entry): void {
    this.#live.set(callId, entry);
  }

  /** The call ended at `now`: it leaves the map after the grace period, and its id is remembered. */
  ended(callId: string, now: number): void {
    this.#ended.add(callId);
    this.#endedQueue.push([callId, now]);
  }

  /** Ended, and already gone from the map (or never in it): events for it change nothing. */
  gone(callId: string): boolean {
    return !this.#live.has(callId) && this.#ended.has(callId);
  }

  entries(): IterableIterator<Entry> {
    return this.#live.values();
  }

  get size(): number {
    return this.#live.size;
  }

  /** Drops every call not ended yet (this instance stopped ingesting); returns their ids. */
  forgetUnended(): string[] {
    const forgotten: string[] = [];
    for (const [callId, entry] of this.#live) {
      if (entry.call?.phase !== 'ended') {
        this.#live.delete(callId);
        forgotten.push(callId);
      }
    }
    return forgotten;
  }

  /** Drops ended calls past their grace period. */
  sweep(now: number): void {
    const queue = this.#endedQueue;
    while (this.#endedHead < queue.length && queue[this.#endedHead]![1] + this.graceMs <= now) {
      this.#live.delete(queue[this.#endedHead]![0]);
      this.#endedHead++;
    }
    if (this.#endedHead > 1024 && this.#endedHead * 2 > queue.length) {
      this.#endedQueue = queue.slice(this.#endedHead);
      this.#endedHead = 0;
    }
  }
}
