// Highest sequenceNumber per conversation; reports unexplained gaps (we subscribe to every state type, §6.8).
import { RecencyMap } from '../../util/bounded.ts';

export interface Gap {
  readonly callId: string;
  /** First missing sequence number. */
  readonly from: number;
  /** Last missing sequence number. */
  readonly to: number;
}

export class SequenceTracker {
  /** By last advance: the least recently advanced conversation is forgotten first. */
  readonly #highest: RecencyMap<string, number>;

  constructor(limit = 10_000) {
    this.#highest = new RecencyMap(limit);
  }

  /** Records a state; returns the gap before it, if any. A conversation first seen past seq 1 lacks 1..seq-1. */
  observe(callId: string, seq: number): Gap | null {
    const last = this.#highest.get(callId) ?? 0;
    if (seq <= last) {
      return null; // duplicate or late (it may fill a gap): the tracker in calls/ orders and de-duplicates
    }
    this.#highest.set(callId, seq);
    return seq > last + 1 ? { callId, from: last + 1, to: seq - 1 } : null;
  }

  highest(callId: string): number | null {
    return this.#highest.get(callId) ?? null;
  }

  /** After recovery: raise the mark without reporting gaps. */
  raise(callId: string, seq: number): void {
    if (seq > (this.#highest.get(callId) ?? 0)) {
      this.#highest.set(callId, seq);
    }
  }
}
