// Desktop notifications for ringing calls: only from a hidden tab, once per call across all tabs.
import type { Card } from '../../src/shared/messages.ts';
import {
  claimOnce,
  HIDDEN_TAB_DELAY_MS,
  notificationBody,
  notificationTitle,
  startsRinging,
} from './lib/notify-claim.ts';
import type { WithLock } from './lib/notify-claim.ts';

export const notificationsSupported = (): boolean => typeof Notification !== 'undefined';

const withLock: WithLock = async (name, fn) => {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return navigator.locks.request(name, () => fn());
  }
  return fn(); // no Web Locks: localStorage check-and-set alone (a rare double is acceptable)
};

/**
 * Every tab claims a call that starts ringing. A visible tab claims at once and notifies nobody (the
 * card is on screen); a hidden tab waits a moment, then claims and notifies if nobody claimed before.
 */
export function maybeNotify(
  previous: Card | undefined,
  next: Card,
  enabled: boolean,
  onClick: (callId: string) => void,
): void {
  if (!startsRinging(previous, next)) {
    return;
  }
  const hidden = document.visibilityState === 'hidden';
  const claim = (): void => {
    void claimOnce(next.callId, { storage: localStorage, withLock, now: Date.now() }).then((won) => {
      if (!won || !hidden || !enabled || !notificationsSupported() || Notification.permission !== 'granted') {
        return;
      }
      const n = new Notification(notificationTitle(next), {
        body: notificationBody(next),
        tag: `screenpop-${next.callId}`,
        requireInteraction: false,
      });
      n.onclick = () => {
        window.focus();
        onClick(next.callId);
        n.close();
      };
    });
  };
  if (hidden) {
    setTimeout(claim, HIDDEN_TAB_DELAY_MS);
  } else {
    claim();
  }
}
