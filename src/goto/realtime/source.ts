// The per-agent Realtime v2 source: session + dialog subscriptions + socket, a keepalive watchdog, re-creation.
import type WebSocket from 'ws';
import type { Logger } from 'pino';
import type { CallEventSink, CallEventSource } from '../../calls/ports.ts';
import type { LegEvent } from '../../calls/types.ts';
import type { PhoneOptions } from '../../phone/phone.ts';
import { listLines } from '../http/account.ts';
import type { GoToLine } from '../http/account.ts';
import { defaultReconnect, reconnectWithBackoff, retryTransient } from '../backoff.ts';
import { GoToApiError, isTransient } from '../http/api-error.ts';
import { normalizeRealtimeFrame } from './frames.ts';
import type { SubscribedLine } from './frames.ts';
import {
  createSession,
  deleteSession,
  RealtimeSessionLimitError,
  sessionAlive,
  subIdOf,
  subscribeDialogs,
} from './session.ts';
import type { RealtimeSession } from './session.ts';
import type { GoToApi } from '../http/rest-client.ts';
import { closeQuietly, onTextFrame, openSocket } from '../socket/socket.ts';
import { describe } from '../auth/token-manager.ts';

export interface RealtimeSourceSettings {
  /** A GoToApi bound to the agent's own token manager. */
  readonly api: GoToApi;
  /** Line ids to watch; null = every line of the token's user. */
  readonly lineIds: readonly string[] | null;
  readonly accountKey: string | null;
  readonly phone: PhoneOptions;
  readonly logger: Logger;
  /** The server's keepalive period (30 s per the simulator's choice, §11 #18); the watchdog fires at 2.5×. */
  readonly keepaliveMs?: number;
  readonly reconnect?: { readonly baseMs: number; readonly maxMs: number };
  readonly now?: () => number;
}

export interface RealtimeStats {
  frames: number;
  events: number;
  keepalives: number;
  ignored: number;
  invalid: number;
  sessions: number;
  reconnects: number;
}

export interface RealtimeSource extends CallEventSource {
  readonly stats: Readonly<RealtimeStats>;
  readonly connected: boolean;
  /** The lines being watched (after start). */
  readonly lines: readonly GoToLine[];
  /** Why the last start / reconnect attempt failed (e.g. the 30-session limit); null when connected. */
  readonly lastError: string | null;
}

export function createRealtimeSource(settings: RealtimeSourceSettings): RealtimeSource {
  return new RealtimeSessionSource(settings);
}

const WATCHDOG_FACTOR = 2.5;

/** A 404 on a session URL: the session idled out (§4.1). */
const sessionGone = (error: unknown): boolean => error instanceof GoToApiError && error.status === 404;

class RealtimeSessionSource implements RealtimeSource {
  readonly stats: RealtimeStats = {
    frames: 0,
    events: 0,
    keepalives: 0,
    ignored: 0,
    invalid: 0,
    sessions: 0,
    reconnects: 0,
  };
  lines: readonly GoToLine[] = [];
  lastError: string | null = null;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #bySubId = new Map<string, SubscribedLine>();
  /** legId → callId: an outbound withdraw names the leg as its originator (fixtures README #12). */
  readonly #callOfLeg = new Map<string, string>();
  #sink: CallEventSink | null = null;
  #session: RealtimeSession | null = null;
  #socket: WebSocket | null = null;
  #lastFrameAt = 0;
  #watchdog: ReturnType<typeof setInterval> | null = null;
  #rebuilding = false;
  /** Losses since the last frame: a socket that keeps dying right after it opens backs off too. */
  #failures = 0;
  #abort = new AbortController();

  constructor(private readonly settings: RealtimeSourceSettings) {
    this.#log = settings.logger.child({ component: 'goto-realtime' });
    this.#now = settings.now ?? Date.now;
  }

  get connected(): boolean {
    return this.#socket !== null && !this.#rebuilding;
  }

  async start(sink: CallEventSink): Promise<void> {
    this.#sink = sink;
    this.#abort = new AbortController();
    const backoff = this.settings.reconnect ?? defaultReconnect;
    try {
      // Retried with back-off until stop(): GoTo unreachable, 429, 5xx, an idle-expired session (404), and the
      // 30-session limit (400; old sessions idle out). Sign-in required or a refused subscription rejects.
      await retryTransient(
        () => this.#startOnce(),
        (e) => isTransient(e) || sessionGone(e) || e instanceof RealtimeSessionLimitError,
        {
          ...backoff,
          signal: this.#abort.signal,
          onRetry: (error, n) => {
            this.lastError = describe(error);
            if (error instanceof RealtimeSessionLimitError) {
              this.#log.error(
                { err: this.lastError, attempt: n },
                'Realtime session limit reached; backing off',
              );
            } else {
              this.#log.warn({ err: this.lastError, attempt: n }, 'Realtime start failed; retrying');
            }
            if (sessionGone(error)) {
              this.#session = null; // idle-expired before the socket opened: start over with a new one
            }
          },
        },
      );
      this.lastError = null;
    } catch (error) {
      await this.stop(); // no half-made session left behind
      throw error;
    }
    this.#startWatchdog();
  }

  async #startOnce(): Promise<void> {
    if (this.lines.length === 0) {
      const all = await listLines(this.settings.api);
      const wanted = this.settings.lineIds;
      this.lines = wanted === null ? all : all.filter((l) => wanted.includes(l.id));
      if (this.lines.length === 0) {
        throw new Error('Realtime source: the user has none of the requested lines');
      }
      for (const line of this.lines) {
        this.#bySubId.set(subIdOf(line.id), { lineId: line.id, extension: line.extension, name: line.name });
      }
    }
    if (this.#session === null) {
      await this.#newSession();
    }
    await this.#openSocket();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#sink = null;
    if (this.#watchdog !== null) {
      clearInterval(this.#watchdog);
      this.#watchdog = null;
    }
    this.#dropSocket();
    const session = this.#session;
    this.#session = null;
    if (session !== null) {
      await deleteSession(this.settings.api, session).catch((error: unknown) => {
        this.#log.warn({ err: describe(error) }, 'could not delete the Realtime session');
      });
    }
  }

  async #newSession(): Promise<void> {
    const session = await createSession(this.settings.api);
    if (this.#abort.signal.aborted) {
      void deleteSession(this.settings.api, session).catch(() => undefined); // stop() ran meanwhile
      return;
    }
    this.#session = session;
    this.stats.sessions++;
    await subscribeDialogs(this.settings.api, session, this.lines);
    this.#log.info({ lines: this.lines.length }, 'Realtime session created and subscribed');
  }

  async #openSocket(): Promise<void> {
    const session = this.#session;
    if (session === null) {
      return; // stopped
    }
    const socket = await openSocket(session.ws);
    if (this.#abort.signal.aborted) {
      socket.terminate();
      return;
    }
    this.#socket = socket;
    this.#lastFrameAt = this.#now();
    onTextFrame(socket, (text) => this.#onFrame(text));
    socket.on('close', (code) => this.#lost(socket, `socket closed (${code})`, false));
    socket.on('error', () => this.#lost(socket, 'socket error', false));
    this.#sink?.note('realtime session connected');
  }

  #startWatchdog(): void {
    const keepalive = this.settings.keepaliveMs ?? 30_000;
    const limit = keepalive * WATCHDOG_FACTOR;
    this.#watchdog = setInterval(
      () => {
        if (this.#socket !== null && this.#now() - this.#lastFrameAt > limit) {
          this.#lost(this.#socket, `no frame for ${Math.round(limit / 1000)} s`, true);
        }
      },
      Math.max(50, Math.round(keepalive / 4)),
    );
    this.#watchdog.unref();
  }

  #onFrame(text: string): void {
    this.stats.frames++;
    this.#failures = 0;
    this.#lastFrameAt = this.#now();
    const result = normalizeRealtimeFrame(text, {
      phone: this.settings.phone,
      lineOf: (subId) => this.#bySubId.get(subId) ?? null,
      accountKey: this.settings.accountKey,
      now: this.#now,
    });
    switch (result.kind) {
      case 'event':
        this.stats.events++;
        this.#sink?.event(this.#stableCallId(result.event, result.legId));
        return;
      case 'keepalive':
        this.stats.keepalives++;
        return;
      case 'ignored':
        this.stats.ignored++;
        this.#log.debug({ reason: result.reason }, 'realtime frame ignored');
        return;
      case 'invalid':
        this.stats.invalid++;
        this.#log.warn({ error: result.error }, 'bad realtime frame dropped');
        return;
    }
  }

  /** Keeps one callId per leg for the whole dialog, whatever later frames name as originator. */
  #stableCallId(event: LegEvent, legId: string | null): LegEvent {
    if (legId === null) {
      return event;
    }
    const known = this.#callOfLeg.get(legId);
    if (event.leg.state === 'gone') {
      this.#callOfLeg.delete(legId);
    } else if (known === undefined) {
      if (this.#callOfLeg.size >= 10_000) {
        this.#callOfLeg.clear(); // withdraws that never came; a bound beats a leak
      }
      this.#callOfLeg.set(legId, event.callId);
    }
    return known === undefined || known === event.callId ? event : { ...event, callId: known };
  }

  #dropSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) {
      closeQuietly(socket);
    }
  }

  /** Socket lost: reconnect to the same session while it lives (404 = idle-expired → new session). */
  #lost(socket: WebSocket, reason: string, freshSession: boolean): void {
    if (socket !== this.#socket || this.#rebuilding || this.#abort.signal.aborted) {
      return;
    }
    this.#rebuilding = true;
    this.#failures++;
    this.#dropSocket();
    this.#log.warn({ reason }, 'Realtime socket lost: reconnecting');
    this.#sink?.note(`realtime socket lost: ${reason}`);
    void this.#rebuild(freshSession);
  }

  async #rebuild(freshSession: boolean): Promise<void> {
    let fresh = freshSession;
    const connected = await reconnectWithBackoff(
      async () => {
        const session = this.#session;
        if (fresh || session === null || !(await sessionAlive(this.settings.api, session))) {
          this.#session = null;
          if (session !== null) {
            void deleteSession(this.settings.api, session).catch(() => undefined);
          }
          await this.#newSession();
        }
        await this.#openSocket();
      },
      {
        ...(this.settings.reconnect ?? defaultReconnect),
        signal: this.#abort.signal,
        // Even the first retry waits a little (base/2..base): a server that drops every socket must not be hammered.
        skip: this.#failures - 1,
        onFailure: (error, n) => {
          fresh = true; // a socket that will not open on a live session: start over with a new one
          this.lastError = describe(error);
          this.#log.warn({ err: this.lastError, attempt: n }, 'Realtime reconnect failed');
        },
      },
    );
    if (connected) {
      this.stats.reconnects++;
      this.lastError = null;
    }
    this.#rebuilding = false;
  }
}
