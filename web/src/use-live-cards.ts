// The live card list for the signed-in agent: GET /api/cards snapshot plus the push socket, merged by version.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Card } from '../../src/shared/messages.ts';
import { api } from './api.ts';
import { applyCards } from './lib/cards.ts';
import type { CardMap } from './lib/cards.ts';
import { browserSocket, PushClient } from './lib/push-client.ts';
import type { ConnectionStatus } from './lib/push-client.ts';
import { pushUrl } from './lib/push-protocol.ts';
import { maybeNotify } from './notifications.ts';

export interface LiveCards {
  readonly cards: CardMap;
  readonly status: ConnectionStatus;
}

export function useLiveCards(opts: {
  notify: boolean;
  onNotificationClick: (callId: string) => void;
  /** A failed connection may mean the session expired: the caller re-checks /api/me. */
  onDisconnect: () => void;
}): LiveCards {
  const [cards, setCards] = useState<CardMap>(() => new Map());
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const cardsRef = useRef<CardMap>(cards);
  const optsRef = useRef(opts);
  optsRef.current = opts;

  useEffect(() => {
    const update = (incoming: readonly Card[], fromPush: boolean, reset = false): void => {
      const before = cardsRef.current;
      const after = applyCards(reset ? new Map() : before, incoming);
      if (after === before) {
        return;
      }
      cardsRef.current = after;
      setCards(after);
      if (fromPush) {
        for (const card of incoming) {
          if (after.get(card.callId) === card) {
            const o = optsRef.current;
            maybeNotify(before.get(card.callId), card, o.notify, o.onNotificationClick);
          }
        }
      }
    };
    const resync = (reset: boolean): void => {
      api<{ items: Card[] }>('GET', '/api/cards')
        .then((r) => update(r.items, false, reset))
        .catch((e: unknown) => console.warn('card snapshot failed', e));
    };
    const client = new PushClient({
      url: pushUrl(location),
      createSocket: browserSocket,
      onCard: (card) => update([card], true),
      onResync: resync,
      onStatus: setStatus,
      onDisconnect: (attempt) => {
        if (attempt > 0) {
          optsRef.current.onDisconnect();
        }
      },
      onServerError: (code, message) => console.warn('push error', code, message),
    });
    client.start();
    const wake = (): void => client.reconnectNow();
    const onVisible = (): void => {
      if (document.visibilityState === 'visible') {
        wake();
      }
    };
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      client.stop();
      window.removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  return { cards, status };
}
