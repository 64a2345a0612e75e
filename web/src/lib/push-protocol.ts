// Pure bookkeeping of the push protocol: parse server frames, track the resume cursor, pick the back-off.
import { parseJson, serverMessageSchema } from '../../../src/shared/messages.ts';
import type { Card, ClientMessage, ServerMessage } from '../../../src/shared/messages.ts';

/** What the client must do after a server frame. */
export type PushAction =
  | { readonly kind: 'send'; readonly message: ClientMessage }
  /**
   * Fetch the full card list. `reset`: the server restarted its sequence, so what we hold may be stale
   * in ways versions cannot tell (a restarted server counts versions again): replace, do not merge.
   */
  | { readonly kind: 'resync'; readonly reset: boolean }
  | { readonly kind: 'card'; readonly card: Card }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

export interface PushStep {
  /** The last cursor seen; null before the first hello. */
  readonly cursor: number | null;
  readonly actions: readonly PushAction[];
}

/**
 * hello → always answer with resume. The first time (cursor null) we also resync from GET /api/cards;
 * a hello cursor below ours means the server restarted its sequence, so our cursor is meaningless: resync.
 */
export function stepPush(cursor: number | null, msg: ServerMessage): PushStep {
  switch (msg.type) {
    case 'hello': {
      if (cursor === null || msg.cursor < cursor) {
        return {
          cursor: msg.cursor,
          actions: [
            { kind: 'send', message: { type: 'resume', cursor: msg.cursor } },
            { kind: 'resync', reset: cursor !== null },
          ],
        };
      }
      return { cursor, actions: [{ kind: 'send', message: { type: 'resume', cursor } }] };
    }
    case 'card':
      // Cards apply by version, so a replayed duplicate is harmless; the cursor only moves forward.
      return { cursor: Math.max(cursor ?? 0, msg.cursor), actions: [{ kind: 'card', card: msg.card }] };
    case 'resumed':
      return { cursor: Math.max(cursor ?? 0, msg.cursor), actions: [] };
    case 'error':
      // e.g. the cursor fell out of the replay window: whatever it was, a full resync is the safe answer.
      return {
        cursor,
        actions: [
          { kind: 'error', code: msg.code, message: msg.message },
          { kind: 'resync', reset: false },
        ],
      };
    default: {
      const never: never = msg;
      return { cursor, actions: never };
    }
  }
}

/** A server frame, or null when it is not one we understand (ignored, never trusted). */
export function parseServerMessage(data: string): ServerMessage | null {
  const parsed = serverMessageSchema.safeParse(parseJson(data));
  return parsed.success ? parsed.data : null;
}

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 30_000;

/** Exponential back-off with jitter (50–100% of the step) so many tabs do not reconnect in lockstep. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(step * (0.5 + random() * 0.5));
}

/** ws:// or wss:// URL of the push socket on the page's own origin (the session cookie rides along). */
export function pushUrl(location: { readonly protocol: string; readonly host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/push`;
}
