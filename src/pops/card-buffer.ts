// One agent's recent cards with a cursor, so a browser that reconnects gets exactly what it missed.

import type { Card } from '../shared/messages.ts';

export interface BufferedCard {
  /** Per-agent sequence number of this update. */
  readonly cursor: number;
  readonly card: Card;
}

/**
 * Keeps the latest version of each call's card, in update order. An update replaces the call's earlier
 * entry, so a replay sends each missed call once, in its current state. Bounded: the oldest calls fall out.
 */
export class CardBuffer {
  private cursor = 0;
  private readonly entries = new Map<string, BufferedCard>();

  constructor(private readonly capacity: number) {}

  /** The cursor of the newest update (0 before any). */
  get position(): number {
    return this.cursor;
  }

  /** Stores the card unless an equal or newer version of it is already here; returns the new entry or null. */
  add(card: Card): BufferedCard | null {
    const existing = this.entries.get(card.callId);
    if (existing !== undefined && existing.card.version >= card.version) {
      return null;
    }
    this.cursor += 1;
    const entry = { cursor: this.cursor, card };
    this.entries.delete(card.callId);
    this.entries.set(card.callId, entry);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) {
        break;
      }
      this.entries.delete(oldest);
    }
    return entry;
  }

  /**
   * Entries updated after `cursor`, oldest first. A cursor from before a restart (larger than ours) means
   * the browser's numbering is stale: it gets everything.
   */
  since(cursor: number): BufferedCard[] {
    const from = cursor > this.cursor ? 0 : cursor;
    return [...this.entries.values()].filter((entry) => entry.cursor > from);
  }

  /** Current cards, newest update first. */
  cards(): Card[] {
    return [...this.entries.values()].reverse().map((entry) => entry.card);
  }

  has(callId: string): boolean {
    return this.entries.has(callId);
  }
}
