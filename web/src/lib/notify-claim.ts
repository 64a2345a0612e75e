// Cross-tab de-duplication of desktop notifications: one claim per call id, shared through localStorage.
import type { Card } from '../../../src/shared/messages.ts';

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

/** Runs fn while holding an exclusive lock shared by all tabs of this origin. */
export type WithLock = <T>(name: string, fn: () => T) => Promise<T>;

const PREFIX = 'screenpop:notified:';
/** Claims older than this are forgotten; a call does not ring for a day. */
export const CLAIM_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A hidden tab waits this long before claiming, so a visible tab of the same agent (which claims at
 * once and shows the card instead) wins, and nobody gets a notification for a call already on screen.
 */
export const HIDDEN_TAB_DELAY_MS = 300;

/**
 * True exactly once per call id across every tab: the check-and-set runs under one cross-tab lock
 * (navigator.locks), so two tabs cannot both see the key missing.
 */
export function claimOnce(
  callId: string,
  deps: { storage: StorageLike; withLock: WithLock; now: number },
): Promise<boolean> {
  return deps.withLock('screenpop-notify', () => {
    const key = PREFIX + callId;
    if (deps.storage.getItem(key) !== null) {
      return false;
    }
    deps.storage.setItem(key, String(deps.now));
    forgetOld(deps.storage, deps.now);
    return true;
  });
}

function forgetOld(storage: StorageLike, now: number): void {
  const stale: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(PREFIX) && now - Number(storage.getItem(key)) > CLAIM_TTL_MS) {
      stale.push(key);
    }
  }
  for (const key of stale) {
    storage.removeItem(key);
  }
}

/** A card that just started ringing for an inbound call is worth a notification (if the agent wants them). */
export function startsRinging(previous: Card | undefined, next: Card): boolean {
  return (
    next.phase === 'ringing' && next.direction !== 'outbound' && (!previous || previous.phase !== 'ringing')
  );
}

/** Title of the notification: the contact or caller-ID name, else the number. Plain text (never HTML). */
export function notificationTitle(card: Card): string {
  const contact = card.lookup.matches.find((m) => m.pinned) ?? card.lookup.matches[0];
  return contact?.contact.name ?? card.caller.name ?? card.caller.display;
}

export function notificationBody(card: Card): string {
  const contact = card.lookup.matches.find((m) => m.pinned) ?? card.lookup.matches[0];
  const parts = [
    contact || card.caller.name ? card.caller.display : null,
    contact?.contact.company ?? null,
    card.urgency.level !== 'none' ? card.urgency.reason : null,
  ];
  return parts.filter((p): p is string => Boolean(p)).join(' · ') || 'Incoming call';
}
