// In-memory PushHub: per-agent card buffers and the agent's open sockets (every tab gets every card).
import { CardBuffer, type BufferedCard } from './card-buffer.ts';
import type { PushHub } from './ports.ts';
import type { Card } from '../shared/messages.ts';

export type CardListener = (entry: BufferedCard) => void;

export class MemoryPushHub implements PushHub {
  private readonly buffers = new Map<string, CardBuffer>();
  private readonly listeners = new Map<string, Set<CardListener>>();

  /** @param capacity calls kept per agent for replay and GET /api/cards */
  constructor(private readonly capacity = 100) {}

  publish(principals: readonly string[], card: Card): void {
    for (const principal of principals) {
      const entry = this.buffer(principal).add(card);
      if (entry === null) {
        continue;
      }
      for (const listener of this.listeners.get(principal) ?? []) {
        listener(entry);
      }
    }
  }

  /** Registers one socket of an agent; returns the function that removes it. */
  subscribe(principal: string, listener: CardListener): () => void {
    const set = this.listeners.get(principal) ?? new Set<CardListener>();
    set.add(listener);
    this.listeners.set(principal, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(principal);
      }
    };
  }

  cursor(principal: string): number {
    return this.buffers.get(principal)?.position ?? 0;
  }

  since(principal: string, cursor: number): BufferedCard[] {
    return this.buffers.get(principal)?.since(cursor) ?? [];
  }

  cards(principal: string): Card[] {
    return this.buffers.get(principal)?.cards() ?? [];
  }

  /** Whether this agent has been sent the call's card (the right to read its trace). */
  hasCard(principal: string, callId: string): boolean {
    return this.buffers.get(principal)?.has(callId) ?? false;
  }

  /** Open sockets, for /metrics. */
  socketCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) {
      n += set.size;
    }
    return n;
  }

  private buffer(principal: string): CardBuffer {
    let buffer = this.buffers.get(principal);
    if (buffer === undefined) {
      buffer = new CardBuffer(this.capacity);
      this.buffers.set(principal, buffer);
    }
    return buffer;
  }
}
