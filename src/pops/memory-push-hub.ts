// In-memory PushHub for one instance: per-agent card buffers and the agent's subscribers (every tab gets every card).
import { CardBuffer } from './card-buffer.ts';
import type { PushEntry, PushHub, PushListener, PushSubscription } from './ports.ts';
import type { Card } from '../shared/messages.ts';

export class MemoryPushHub implements PushHub {
  private readonly buffers = new Map<string, CardBuffer>();
  private readonly listeners = new Map<string, Set<PushListener>>();

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

  subscribe(principal: string, listener: PushListener): Promise<PushSubscription> {
    const set = this.listeners.get(principal) ?? new Set<PushListener>();
    set.add(listener);
    this.listeners.set(principal, set);
    const close = () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(principal) === set) {
        this.listeners.delete(principal);
      }
    };
    return Promise.resolve({ cursor: this.buffers.get(principal)?.position ?? 0, close });
  }

  isOpen(principal: string): boolean {
    return (this.listeners.get(principal)?.size ?? 0) > 0;
  }

  since(principal: string, cursor: number): Promise<readonly PushEntry[]> {
    return Promise.resolve(this.buffers.get(principal)?.since(cursor) ?? []);
  }

  recentCards(principal: string): Promise<readonly Card[]> {
    return Promise.resolve(this.cards(principal));
  }

  wasSent(principal: string, callId: string): Promise<boolean> {
    return Promise.resolve(this.buffers.get(principal)?.has(callId) ?? false);
  }

  /** The agent's kept cards, newest first, read synchronously (in-process callers and tests). */
  cards(principal: string): Card[] {
    return this.buffers.get(principal)?.cards() ?? [];
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
