// The account-wide Call Events source: channel + subscription + socket, kept alive, with gap and reconnect recovery.
import type WebSocket from 'ws';
import type { Logger } from 'pino';
import type { CallSnapshotEvent } from '../../calls/types.ts';
import type { CallEventSink, CallEventSource } from '../../calls/ports.ts';
import type { PhoneOptions } from '../../phone/phone.ts';
import type { GoToApi } from '../http/rest-client.ts';
import { discoverAccountKey } from '../http/account.ts';
import { isTransient } from '../http/api-error.ts';
import { normalizeCallEventsFrame } from './frames.ts';
import type { FrameResult } from './frames.ts';
import type { CallMetadata } from './schema.ts';
import { CallEventsRecoverer } from './recoverer.ts';
import type { RecoveryCounter } from './recoverer.ts';
import { subscribeReportSummaries } from './report.ts';
import { defaultReportSettings, ReportRecovery } from './report-recovery.ts';
import type { ReportSettings } from './report-recovery.ts';
import { createChannel, deleteChannel, refreshChannel, subscribeCallEvents } from './notification-channel.ts';
import type { Channel } from './notification-channel.ts';
import { SeenCalls } from './seen-calls.ts';
import { SequenceTracker } from './sequence-tracker.ts';
import { ReconnectingSource } from '../socket/reconnecting-source.ts';
import type { Phase, SourceDriver } from '../socket/reconnecting-source.ts';
import { keepAlive, openSocket } from '../socket/socket.ts';
import { describe } from '../auth/token-manager.ts';

export interface CallEventsSourceSettings {
  readonly api: GoToApi;
  /** config.goto.accountKey; null = discover it (§8). */
  readonly accountKey: string | null;
  readonly phone: PhoneOptions;
  readonly logger: Logger;
  readonly nickname?: string;
  /** WebSocket ping interval (S-cer: 8 s); the socket is dead after `missedPongs` unanswered pings. */
  readonly pingIntervalMs?: number;
  readonly missedPongs?: number;
  /** Back-off between rebuild attempts. */
  readonly reconnect?: { readonly baseMs: number; readonly maxMs: number };
  /**
   * While calls are live, how often to list GoTo's active calls (one request) and recover the ones that vanished:
   * a dropped ENDING leaves no gap to notice. Default 30 s.
   */
  readonly reconcileIntervalMs?: number;
  /** Back-off and tries of a failed recovery read (gap fetch, a vanished call's states). Default 500 ms…10 s, 4. */
  readonly recoveryRetry?: { readonly baseMs: number; readonly maxMs: number; readonly attempts: number };
  /** Call Events Report use (§7): report delay, tries, outage window margin. */
  readonly reports?: Partial<ReportSettings>;
  /**
   * Epoch ms from when calls may have gone unseen before this source started: a new leader taking over from a
   * dead instance passes the moment the old one may have stopped, and the calls that started or ended in between
   * are recovered from the Call Events Report like those of an outage (§7). Null / absent: a plain start.
   */
  readonly recoverFrom?: number | null;
}

export interface CallEventsStats {
  frames: number;
  events: number;
  ignored: number;
  invalid: number;
  reconnects: number;
  channelRefreshes: number;
  gaps: number;
  recoveredStates: number;
  /** Recovery reads retried after a transient failure. */
  fetchRetries: number;
  /** Periodic checks of GoTo's active-call list. */
  reconciliations: number;
  /** Call states delivered from Call Events reports. */
  reportStates: number;
  /** REPORT_SUMMARY subscriptions that failed, or report reads refused (the source carries on without them). */
  reportSubscriptionFailures: number;
}

export interface CallEventsSource extends CallEventSource {
  readonly api: 'call-events';
  readonly stats: Readonly<CallEventsStats>;
  /** Frames rejected, by reason (RejectReason, or 'normalizer_error' for a bug caught at the edge). */
  readonly rejected: Readonly<Record<string, number>>;
  /** True while a socket is open and subscribed. */
  readonly connected: boolean;
  /** Why the last start / rebuild attempt failed; null once connected. */
  readonly lastError: string | null;
}

export function createCallEventsSource(settings: CallEventsSourceSettings): CallEventsSource {
  return new CallEventsChannelSource(settings);
}

class CallEventsChannelSource implements CallEventsSource, SourceDriver {
  readonly name = 'Call Events channel';
  readonly api = 'call-events';
  readonly rejected: Record<string, number> = {};
  readonly stats: CallEventsStats = {
    frames: 0,
    events: 0,
    ignored: 0,
    invalid: 0,
    reconnects: 0,
    channelRefreshes: 0,
    gaps: 0,
    recoveredStates: 0,
    fetchRetries: 0,
    reconciliations: 0,
    reportStates: 0,
    reportSubscriptionFailures: 0,
  };
  readonly #log: Logger;
  readonly #link: ReconnectingSource;
  readonly #seq = new SequenceTracker();
  readonly #seen = new SeenCalls();
  readonly #recoverer: CallEventsRecoverer;
  readonly #reports: ReportRecovery;
  /** GoTo's time of the newest state received live (else when the channel connected): where an outage began. */
  #lastFrameAt: number | null = null;
  /** #lastFrameAt when the current outage began. */
  #outageFrom: number | null = null;
  /** settings.recoverFrom was used (on the first connection only). */
  #recoveredTakeover = false;
  #reconcileTimer: NodeJS.Timeout | null = null;
  #reconciling = false;
  #accountKey: string | null = null;
  #channel: Channel | null = null;

  constructor(private readonly settings: CallEventsSourceSettings) {
    this.#log = settings.logger.child({ component: 'goto-call-events' });
    this.#link = new ReconnectingSource(this, {
      log: this.#log,
      counts: this.stats,
      ...(settings.reconnect === undefined ? {} : { reconnect: settings.reconnect }),
    });
    const count = (what: RecoveryCounter, n = 1): void => {
      this.stats[what] += n;
    };
    this.#reports = new ReportRecovery({
      api: settings.api,
      log: this.#log,
      seen: this.#seen,
      signal: () => this.#link.signal,
      count,
      deliver: (metadata, states) => this.#recoverer.deliverAll(metadata, states),
      settings: { ...defaultReportSettings, ...settings.reports },
    });
    this.#recoverer = new CallEventsRecoverer({
      api: settings.api,
      phone: settings.phone,
      log: this.#log,
      seq: this.#seq,
      seen: this.#seen,
      sink: () => this.#link.sink,
      signal: () => this.#link.signal,
      count,
      retry: settings.recoveryRetry ?? { baseMs: 500, maxMs: 10_000, attempts: 4 },
      awaitReport: (callId) => this.#reports.awaitReport(callId),
      reportPending: (callId) => this.#reports.pending(callId),
    });
  }

  get connected(): boolean {
    return this.#link.connected;
  }

  get lastError(): string | null {
    return this.#link.lastError;
  }

  /**
   * Resolves once connected and subscribed. Transient failures (GoTo unreachable, 429, 5xx) are retried with
   * back-off until stop(); a permanent one (refused subscription, sign-in required) rejects.
   */
  start(sink: CallEventSink): Promise<void> {
    return this.#link.start(sink);
  }

  stop(): Promise<void> {
    return this.#link.stop();
  }

  // --- SourceDriver: what the reconnecting lifecycle calls ---

  transient(error: unknown): boolean {
    return isTransient(error);
  }

  /** New channel → subscription (207 checked) → socket; a previous channel is discarded first. */
  async connect(_fresh: boolean, _phase: Phase): Promise<WebSocket | null> {
    const api = this.settings.api;
    this.#discardChannel();
    this.#accountKey ??= await discoverAccountKey(api, this.settings.accountKey);
    const channel = await createChannel(api, this.settings.nickname ?? 'screenpop');
    this.#channel = channel;
    await subscribeCallEvents(api, channel, [this.#accountKey]);
    if (!this.#reports.off) {
      // Same channel: calls that start and end while it is down are then recoverable (§7.1, §7.4).
      await subscribeReportSummaries(api, channel, [this.#accountKey]).catch((error: unknown) =>
        this.#reports.subscriptionFailed(error),
      );
    }
    const socket = await openSocket(channel.url);
    if (this.#link.signal.aborted) {
      socket.terminate(); // stop() ran meanwhile: leave nothing behind
      this.#discardChannel();
      return null;
    }
    return socket;
  }

  failed(error: unknown, attempt: number, phase: Phase): void {
    const what = phase === 'start' ? 'Call Events start failed; retrying' : 'Call Events reconnect failed';
    this.#log.warn({ err: describe(error), attempt }, what);
    this.#discardChannel();
  }

  opened(socket: WebSocket): () => void {
    this.#lastFrameAt ??= Date.now();
    this.#log.info(
      { lifetimeSeconds: this.#channel?.lifetimeSeconds },
      'Call Events channel connected and subscribed',
    );
    this.#link.sink?.note('call events channel connected');
    return keepAlive(socket, this.settings.pingIntervalMs ?? 8_000, this.settings.missedPongs ?? 3, () =>
      this.#link.lost(socket, 'no pong: socket presumed dead'),
    );
  }

  frame(text: string): void {
    this.stats.frames++;
    let result: FrameResult;
    try {
      result = normalizeCallEventsFrame(text, this.settings.phone);
    } catch (error) {
      // A normalizer bug must not take the socket down: the frame is dropped and counted like a bad one.
      this.#log.error({ err: describe(error) }, 'Call Events frame broke the normalizer');
      result = { kind: 'invalid', reason: 'normalizer_error', error: describe(error) };
    }
    this.#handle(result);
  }

  /** Calls already in progress: their latest states, so pops can show them; then the periodic reconciliation. */
  running(): void {
    void this.#recoverer.recoverAll(this.#accountKey!, 'started');
    const from = this.settings.recoverFrom ?? null;
    if (from !== null && !this.#recoveredTakeover) {
      this.#recoveredTakeover = true;
      void this.#reports.afterOutage(this.#accountKey!, from);
    }
    this.#reconcileTimer = setInterval(
      () => void this.#reconcile(),
      this.settings.reconcileIntervalMs ?? 30_000,
    );
    this.#reconcileTimer.unref();
  }

  down(): void {
    this.#outageFrom = this.#lastFrameAt;
  }

  async recover(reason: string): Promise<void> {
    await this.#recoverer.recoverAll(this.#accountKey!, reason);
    if (this.#outageFrom !== null) {
      void this.#reports.afterOutage(this.#accountKey!, this.#outageFrom);
    }
  }

  async release(): Promise<void> {
    if (this.#reconcileTimer !== null) {
      clearInterval(this.#reconcileTimer);
      this.#reconcileTimer = null;
    }
    const channel = this.#channel;
    this.#channel = null;
    if (channel !== null) {
      await deleteChannel(this.settings.api, channel).catch((error: unknown) => {
        this.#log.warn({ err: describe(error) }, 'could not delete the notification channel');
      });
    }
  }

  // --- frames ---

  /** One active-call list per period, only while calls are live and nothing else is recovering them. */
  async #reconcile(): Promise<void> {
    if (this.#reconciling || this.#recoverer.busy || !this.connected || this.#seen.liveCount === 0) {
      return;
    }
    this.#reconciling = true;
    this.stats.reconciliations++;
    try {
      await this.#recoverer.recoverAll(this.#accountKey!, 'reconciliation');
    } finally {
      this.#reconciling = false;
    }
  }

  /** Forgets the current channel and deletes it in the background (its subscriptions go with it). */
  #discardChannel(): void {
    const channel = this.#channel;
    this.#channel = null;
    if (channel !== null) {
      void deleteChannel(this.settings.api, channel).catch(() => undefined);
    }
  }

  #handle(result: FrameResult): void {
    switch (result.kind) {
      case 'event':
        this.#deliver(result.event, result.metadata);
        return;
      case 'report':
        this.#reports.onSummary(result.conversationSpaceId);
        return;
      case 'control':
        void this.#control(result.control);
        return;
      case 'ignored':
        this.stats.ignored++;
        this.#log.debug({ reason: result.reason }, 'notification ignored');
        return;
      case 'invalid':
        this.stats.invalid++;
        this.rejected[result.reason] = (this.rejected[result.reason] ?? 0) + 1;
        this.#log.warn(
          { reason: result.reason, error: result.error },
          'bad Call Events notification dropped',
        );
        return;
    }
  }

  #deliver(event: CallSnapshotEvent, metadata: CallMetadata): void {
    this.stats.events++;
    const gap = this.#seq.observe(event.callId, event.seq);
    this.#seen.record(event, metadata, Date.now());
    this.#lastFrameAt = Math.max(this.#lastFrameAt ?? event.at, event.at);
    const sink = this.#link.sink;
    sink?.event(event);
    if (gap !== null) {
      this.stats.gaps++;
      this.#log.info(
        { callId: gap.callId, from: gap.from, to: gap.to },
        'sequence gap: fetching the missing states',
      );
      sink?.note(`sequence gap ${gap.from}..${gap.to}`, gap.callId);
      void this.#recoverer.recoverGap(gap, metadata);
    }
  }

  async #control(control: 'refresh-required' | 'to-be-closed'): Promise<void> {
    const channel = this.#channel;
    if (channel === null) {
      return;
    }
    if (control === 'to-be-closed') {
      this.#link.lost(this.#link.socket, 'WEBSOCKET_TO_BE_CLOSED');
      return;
    }
    try {
      await refreshChannel(this.settings.api, channel);
      this.stats.channelRefreshes++;
      this.#log.info('notification channel refreshed');
      this.#link.sink?.note('call events channel refreshed');
    } catch (error) {
      this.#log.warn({ err: describe(error) }, 'channel refresh failed: rebuilding the channel');
      this.#link.lost(this.#link.socket, 'channel refresh failed');
    }
  }
}
