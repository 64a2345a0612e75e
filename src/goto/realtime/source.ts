// The per-agent Realtime v2 source: session + dialog subscriptions + socket, a keepalive watchdog, re-creation.
import type WebSocket from 'ws';
import type { Logger } from 'pino';
import type { CallEventSink, CallEventSource } from '../../calls/ports.ts';
import type { LegEvent, LegState } from '../../calls/types.ts';
import type { PhoneOptions } from '../../phone/phone.ts';
import { listLines } from '../http/account.ts';
import type { GoToLine } from '../http/account.ts';
import { GoToApiError, isTransient } from '../http/api-error.ts';
import { normalizeRealtimeFrame } from './frames.ts';
import { activeLegStates, LiveLegs } from './live-legs.ts';
import { RealtimeOutages } from './outages.ts';
import type { RealtimeFrameContext, RealtimeFrameResult, SubscribedLine } from './frames.ts';
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
import { ReconnectingSource } from '../socket/reconnecting-source.ts';
import type { Phase, SourceDriver } from '../socket/reconnecting-source.ts';
import { openSocket } from '../socket/socket.ts';
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
  /**
   * When the active calls on the lines cannot be read after an outage (token without the Call Events read scope,
   * GoTo down), a leg that was live and is not heard of again within this time ends as unknown. Default 4 h.
   */
  readonly unheardLegTimeoutMs?: number;
  /** Shared by every agent's source: a call ending while any of them was blind gets an unknown outcome. */
  readonly outages?: RealtimeOutages;
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
  /** Checks of the lines' active calls after a reconnect (Call Events conversation-spaces?lineId=). */
  reconciliations: number;
  /** Leg states delivered from those checks, or ended unheard when no check could run. */
  recoveredLegs: number;
}

export interface RealtimeSource extends CallEventSource {
  readonly api: 'realtime';
  readonly stats: Readonly<RealtimeStats>;
  /** Frames rejected, by reason (RealtimeRejectReason, or 'normalizer_error' for a bug caught at the edge). */
  readonly rejected: Readonly<Record<string, number>>;
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

class RealtimeSessionSource implements RealtimeSource, SourceDriver {
  readonly name = 'Realtime socket';
  readonly api = 'realtime';
  readonly rejected: Record<string, number> = {};
  readonly stats: RealtimeStats = {
    frames: 0,
    events: 0,
    keepalives: 0,
    ignored: 0,
    invalid: 0,
    sessions: 0,
    reconnects: 0,
    reconciliations: 0,
    recoveredLegs: 0,
  };
  lines: readonly GoToLine[] = [];
  readonly #log: Logger;
  readonly #link: ReconnectingSource;
  readonly #now: () => number;
  readonly #bySubId = new Map<string, SubscribedLine>();
  /** legId → callId: an outbound withdraw names the leg as its originator (fixtures README #12). */
  readonly #callOfLeg = new Map<string, string>();
  readonly #legs = new LiveLegs();
  readonly #outages: RealtimeOutages;
  #session: RealtimeSession | null = null;
  /** Built once: every frame of this agent's socket is read against the same lines and clock. */
  readonly #frameContext: RealtimeFrameContext;
  #lastFrameAt = 0;
  #watchdog: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly settings: RealtimeSourceSettings) {
    this.#log = settings.logger.child({ component: 'goto-realtime' });
    this.#now = settings.now ?? Date.now;
    this.#outages = settings.outages ?? new RealtimeOutages();
    this.#frameContext = {
      phone: settings.phone,
      lineOf: (subId) => this.#bySubId.get(subId) ?? null,
      accountKey: settings.accountKey,
      now: this.#now,
    };
    this.#link = new ReconnectingSource(this, {
      log: this.#log,
      counts: this.stats,
      escalateRepeatedLosses: true,
      ...(settings.reconnect === undefined ? {} : { reconnect: settings.reconnect }),
    });
  }

  get connected(): boolean {
    return this.#link.connected;
  }

  get lastError(): string | null {
    return this.#link.lastError;
  }

  start(sink: CallEventSink): Promise<void> {
    return this.#link.start(sink);
  }

  stop(): Promise<void> {
    return this.#link.stop();
  }

  // --- SourceDriver: what the reconnecting lifecycle calls ---

  /**
   * Start is retried with back-off until stop(): GoTo unreachable, 429, 5xx, an idle-expired session (404), and
   * the 30-session limit (400; old sessions idle out). Sign-in required or a refused subscription rejects.
   */
  transient(error: unknown): boolean {
    return isTransient(error) || sessionGone(error) || error instanceof RealtimeSessionLimitError;
  }

  /**
   * The lines (once), a session, the socket. A reconnect keeps the session while it lives (404 = idle-expired → a
   * new one); `fresh` (after a failed try) always starts a new one: a session can idle out before its socket opens.
   */
  async connect(fresh: boolean, phase: Phase): Promise<WebSocket | null> {
    await this.#resolveLines();
    const session = this.#session;
    const renew =
      fresh ||
      session === null ||
      (phase === 'reconnect' && !(await sessionAlive(this.settings.api, session)));
    if (renew) {
      this.#session = null;
      if (session !== null) {
        void deleteSession(this.settings.api, session).catch(() => undefined);
      }
      await this.#newSession();
    }
    return this.#openSocket();
  }

  failed(error: unknown, attempt: number, phase: Phase): void {
    const err = describe(error);
    if (phase === 'reconnect') {
      this.#log.warn({ err, attempt }, 'Realtime reconnect failed');
      return;
    }
    if (error instanceof RealtimeSessionLimitError) {
      this.#log.error({ err, attempt }, 'Realtime session limit reached; backing off');
    } else {
      this.#log.warn({ err, attempt }, 'Realtime start failed; retrying');
    }
    if (sessionGone(error)) {
      this.#session = null; // idle-expired before the socket opened: start over with a new one
    }
  }

  opened(): () => void {
    this.#lastFrameAt = this.#now();
    this.#link.sink?.note('realtime session connected');
    return () => undefined;
  }

  frame(text: string): void {
    this.stats.frames++;
    this.#link.frameArrived();
    this.#lastFrameAt = this.#now();
    let result: RealtimeFrameResult;
    try {
      result = normalizeRealtimeFrame(text, this.#frameContext);
    } catch (error) {
      // A normalizer bug must not take the socket down: the frame is dropped and counted like a bad one.
      this.#log.error({ err: describe(error) }, 'realtime frame broke the normalizer');
      result = { kind: 'invalid', reason: 'normalizer_error', error: describe(error) };
    }
    switch (result.kind) {
      case 'event': {
        this.stats.events++;
        const event = this.#markBlind(this.#stableCallId(result.event, result.legId));
        this.#legs.record(event, this.#now());
        this.#link.sink?.event(event);
        return;
      }
      case 'keepalive':
        this.stats.keepalives++;
        return;
      case 'ignored':
        this.stats.ignored++;
        this.#log.debug({ reason: result.reason }, 'realtime frame ignored');
        return;
      case 'invalid':
        this.stats.invalid++;
        this.rejected[result.reason] = (this.rejected[result.reason] ?? 0) + 1;
        this.#log.warn({ reason: result.reason, error: result.error }, 'bad realtime frame dropped');
        return;
    }
  }

  /** The keepalive watchdog: no frame for 2.5 keepalive periods → a new session. */
  running(): void {
    const keepalive = this.settings.keepaliveMs ?? 30_000;
    const limit = keepalive * WATCHDOG_FACTOR;
    this.#watchdog = setInterval(
      () => {
        const socket = this.#link.socket;
        if (socket !== null && this.#now() - this.#lastFrameAt > limit) {
          this.#link.lost(socket, `no frame for ${Math.round(limit / 1000)} s`, true);
        }
        this.#deliverRecovered(this.#legs.expired(this.#now()));
      },
      Math.max(50, Math.round(keepalive / 4)),
    );
    this.#watchdog.unref();
  }

  /**
   * After a reconnect: frames sent while the socket was down are gone (an answer, a withdraw). The lines' active
   * calls say which legs still ring or talk; the others have left. No list → unheard legs expire instead.
   */
  down(): void {
    this.#outages.begin(this, this.#now());
  }

  async recover(reason: string): Promise<void> {
    try {
      await this.#reconcile(reason);
    } finally {
      this.#outages.end(this, this.#now());
    }
  }

  async #reconcile(reason: string): Promise<void> {
    if (this.#legs.size === 0) {
      return;
    }
    const requestedAt = this.#now();
    let active: Map<string, LegState>;
    try {
      const lineIds = this.lines.map((line) => line.id);
      active = await activeLegStates(this.settings.api, lineIds, this.#link.signal);
    } catch (error) {
      this.#log.warn({ err: describe(error) }, 'could not read the active calls: unheard legs will expire');
      this.#legs.expireUnheardAfter(this.settings.unheardLegTimeoutMs ?? 4 * 3_600_000, this.#now());
      return;
    }
    if (this.#link.signal.aborted) {
      return;
    }
    this.stats.reconciliations++;
    this.#link.sink?.note(`realtime legs checked ${reason}`);
    this.#deliverRecovered(this.#legs.reconcile(active, requestedAt, this.#now()));
  }

  /** A leg leaving while some agent's socket was down since it rang: an answer there may have gone unseen. */
  #markBlind(event: LegEvent): LegEvent {
    if (event.leg.state !== 'gone' || event.legId == null) {
      return event;
    }
    const since = this.#legs.since(event.legId);
    // Never heard of before its withdraw: its announce (and maybe an answer) went while this socket was down.
    return since === null || this.#outages.blindSince(since) ? { ...event, blind: true } : event;
  }

  #deliverRecovered(events: readonly LegEvent[]): void {
    for (const event of events) {
      this.stats.recoveredLegs++;
      this.#link.sink?.event(event);
    }
  }

  async release(): Promise<void> {
    if (this.#watchdog !== null) {
      clearInterval(this.#watchdog);
      this.#watchdog = null;
    }
    this.#outages.end(this, this.#now()); // stopped while down: the other agents' calls must not stay "blind"
    const session = this.#session;
    this.#session = null;
    if (session !== null) {
      await deleteSession(this.settings.api, session).catch((error: unknown) => {
        this.#log.warn({ err: describe(error) }, 'could not delete the Realtime session');
      });
    }
  }

  async #resolveLines(): Promise<void> {
    if (this.lines.length > 0) {
      return;
    }
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

  async #newSession(): Promise<void> {
    const session = await createSession(this.settings.api);
    if (this.#link.signal.aborted) {
      void deleteSession(this.settings.api, session).catch(() => undefined); // stop() ran meanwhile
      return;
    }
    this.#session = session;
    this.stats.sessions++;
    await subscribeDialogs(this.settings.api, session, this.lines);
    this.#log.info({ lines: this.lines.length }, 'Realtime session created and subscribed');
  }

  async #openSocket(): Promise<WebSocket | null> {
    const session = this.#session;
    if (session === null) {
      return null; // stopped
    }
    const socket = await openSocket(session.ws);
    if (this.#link.signal.aborted) {
      socket.terminate();
      return null;
    }
    return socket;
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
}
