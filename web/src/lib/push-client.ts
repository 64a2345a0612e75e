// The push socket's lifecycle: connect, hello → resume, apply frames, ping, reconnect with back-off.
import type { Card } from '../../../src/shared/messages.ts';
import { backoffDelay, parseServerMessage, stepPush } from './push-protocol.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'offline';

export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  close(): void;
}

export interface SocketLike {
  send(data: string): void;
  close(): void;
}

export type SocketFactory = (url: string, on: SocketHandlers) => SocketLike;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface PushClientOptions {
  readonly url: string;
  readonly createSocket: SocketFactory;
  readonly onCard: (card: Card) => void;
  /** Load the full card list (GET /api/cards): merge by version, or replace when `reset` (server restarted). */
  readonly onResync: (reset: boolean) => void;
  readonly onStatus: (status: ConnectionStatus) => void;
  /** Called after each failed connection, e.g. to check whether the session expired. */
  readonly onDisconnect?: (attempt: number) => void;
  readonly onServerError?: (code: string, message: string) => void;
  readonly timers?: Timers;
  readonly random?: () => number;
}

/** Keeps idle proxies from closing the socket; the server ignores pings. */
export const PING_EVERY_MS = 25_000;

const defaultTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class PushClient {
  readonly #o: PushClientOptions;
  readonly #timers: Timers;
  #socket: SocketLike | null = null;
  #cursor: number | null = null;
  #attempt = 0;
  #retry: unknown = null;
  #ping: unknown = null;
  #stopped = true;
  /** Bumped per socket so late events of a closed socket are ignored. */
  #generation = 0;

  constructor(options: PushClientOptions) {
    this.#o = options;
    this.#timers = options.timers ?? defaultTimers;
  }

  get cursor(): number | null {
    return this.#cursor;
  }

  start(): void {
    if (!this.#stopped) {
      return;
    }
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#generation++;
    this.#clearTimers();
    this.#socket?.close();
    this.#socket = null;
  }

  /** The network came back or the tab woke up: skip the remaining back-off. */
  reconnectNow(): void {
    if (this.#stopped || this.#socket) {
      return;
    }
    this.#attempt = 0;
    this.#clearTimers();
    this.#connect();
  }

  #connect(): void {
    const gen = ++this.#generation;
    this.#o.onStatus('connecting');
    const live = (): boolean => gen === this.#generation;
    this.#socket = this.#o.createSocket(this.#o.url, {
      open: () => undefined, // the server speaks first (hello)
      message: (data) => {
        if (live()) {
          this.#onMessage(data);
        }
      },
      close: () => {
        if (live()) {
          this.#onClose();
        }
      },
    });
  }

  #onMessage(data: string): void {
    const msg = parseServerMessage(data);
    if (!msg) {
      return;
    }
    if (msg.type === 'hello') {
      this.#attempt = 0;
      this.#o.onStatus('live');
      this.#schedulePing();
    }
    const step = stepPush(this.#cursor, msg);
    this.#cursor = step.cursor;
    for (const action of step.actions) {
      switch (action.kind) {
        case 'send':
          this.#socket?.send(JSON.stringify(action.message));
          break;
        case 'resync':
          this.#o.onResync(action.reset);
          break;
        case 'card':
          this.#o.onCard(action.card);
          break;
        case 'error':
          this.#o.onServerError?.(action.code, action.message);
          break;
      }
    }
  }

  #onClose(): void {
    this.#socket = null;
    this.#clearTimers();
    if (this.#stopped) {
      return;
    }
    this.#o.onStatus('offline');
    const attempt = this.#attempt++;
    this.#o.onDisconnect?.(attempt);
    this.#retry = this.#timers.set(
      () => {
        this.#retry = null;
        this.#connect();
      },
      backoffDelay(attempt, this.#o.random),
    );
  }

  #schedulePing(): void {
    this.#ping = this.#timers.set(() => {
      this.#socket?.send(JSON.stringify({ type: 'ping' }));
      this.#schedulePing();
    }, PING_EVERY_MS);
  }

  #clearTimers(): void {
    if (this.#retry !== null) {
      this.#timers.clear(this.#retry);
      this.#retry = null;
    }
    if (this.#ping !== null) {
      this.#timers.clear(this.#ping);
      this.#ping = null;
    }
  }
}

/** The real browser socket behind the SocketFactory seam. */
export const browserSocket: SocketFactory = (url, on) => {
  const ws = new WebSocket(url);
  ws.addEventListener('open', () => on.open());
  ws.addEventListener('message', (e: MessageEvent<unknown>) => {
    if (typeof e.data === 'string') {
      on.message(e.data);
    }
  });
  ws.addEventListener('close', () => on.close());
  return {
    send: (data) => {
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(data);
      }
    },
    close: () => ws.close(),
  };
};
