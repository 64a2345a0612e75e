// Calls recovered from the Call Events Report (§7): ones that vanished unreadable, and ones an outage hid entirely.
import type { Logger } from 'pino';
import { GoToApiError, isTransient } from '../http/api-error.ts';
import { backoffDelay, sleep } from '../backoff.ts';
import { fetchReport, fetchReportSummaryIds } from './report.ts';
import type { CallMetadata, CallState } from './schema.ts';
import type { RecoveryCounter } from './recoverer.ts';
import type { GoToApi } from '../http/rest-client.ts';
import type { SeenCalls } from './seen-calls.ts';
import { describe } from '../auth/token-manager.ts';

export interface ReportSettings {
  /** How long after a call ends GoTo's report is ready ("a few minutes", §7.4); the outage query waits this. */
  readonly delayMs: number;
  /** Tries to fetch one report (404 until ready) and to list summaries, with back-off from delayMs / 4. */
  readonly attempts: number;
  /** Taken off the last good frame's time for the outage window's start. */
  readonly marginMs: number;
  /**
   * Added to the window's end: report times are GoTo's clock, which may run ahead of ours (the simulator's
   * does, by its time scale). Calls cannot start in the future, so a later end only costs nothing.
   */
  readonly clockSlackMs: number;
}

/** Worth another try: transient, or a 401 after the REST client's own refreshes (recoverer.ts says why). */
function retryable(error: unknown): boolean {
  return isTransient(error) || (error instanceof GoToApiError && error.status === 401);
}

export const defaultReportSettings: ReportSettings = {
  delayMs: 180_000,
  attempts: 6,
  marginMs: 60_000,
  clockSlackMs: 300_000,
};

export interface ReportRecoveryDeps {
  readonly api: GoToApi;
  readonly log: Logger;
  readonly seen: SeenCalls;
  readonly signal: () => AbortSignal;
  readonly count: (what: RecoveryCounter, n?: number) => void;
  readonly deliver: (metadata: CallMetadata, states: readonly CallState[]) => number;
  readonly settings: ReportSettings;
}

export class ReportRecovery {
  /** Calls whose report is being awaited. */
  readonly #pending = new Set<string>();
  #off = false;

  constructor(private readonly deps: ReportRecoveryDeps) {}

  /** True once GoTo refused reports for good: no subscription, no report reads. */
  get off(): boolean {
    return this.#off;
  }

  pending(callId: string): boolean {
    return this.#pending.has(callId);
  }

  /** A REPORT_SUMMARY arrived: fetch the report of a call we never saw end. */
  onSummary(callId: string): void {
    if (!this.deps.seen.hasEnded(callId)) {
      void this.awaitReport(callId);
    }
  }

  /** Polls GET /reports/{id} until ready (bounded), then delivers the states we have not seen. */
  async awaitReport(callId: string): Promise<void> {
    if (this.#pending.has(callId) || this.#off) {
      return;
    }
    this.#pending.add(callId);
    const { settings, signal } = this.deps;
    const backoff = { baseMs: settings.delayMs / 4, maxMs: settings.delayMs };
    try {
      for (let n = 0; n < settings.attempts && !signal().aborted; n++) {
        try {
          const report = await fetchReport(this.deps.api, callId, signal());
          if (report !== null) {
            this.#deliver(callId, report.metadata, report.states);
            return;
          }
        } catch (error) {
          // A 401 that outlasted the REST client's refreshes (tokens expiring under a busy host) or a transient
          // failure: the next try may pass. Giving up here would lose the call: nothing else knows of it.
          if (!retryable(error) || n + 1 >= settings.attempts) {
            throw error;
          }
        }
        await sleep(backoffDelay(n, backoff), signal());
      }
      this.deps.log.warn({ callId }, 'no Call Events report for a call: recovery will end it');
    } catch (error) {
      this.#failed(error, callId);
    } finally {
      this.#pending.delete(callId);
    }
  }

  /**
   * After an outage: once reports are ready, list the calls of the outage window and recover the ones we never
   * saw end (a call that started and ended meanwhile is in no other list). `lastFrameAt` is GoTo's time.
   */
  async afterOutage(accountKey: string, lastFrameAt: number): Promise<void> {
    const { settings, signal } = this.deps;
    const start = lastFrameAt - settings.marginMs;
    await sleep(settings.delayMs, signal());
    let slack = settings.clockSlackMs;
    for (let n = 0; n < settings.attempts && !signal().aborted && !this.#off; n++) {
      try {
        const end = Math.max(Date.now(), lastFrameAt) + slack;
        const ids = await fetchReportSummaryIds(this.deps.api, accountKey, { start, end }, signal());
        const unseen = ids.filter((id) => !this.deps.seen.hasEnded(id));
        this.deps.log.info({ listed: ids.length, unseen: unseen.length }, 'outage window: report summaries');
        await Promise.all(unseen.map((id) => this.awaitReport(id)));
        return;
      } catch (error) {
        if (error instanceof GoToApiError && error.status === 400 && slack > 0) {
          slack = 0; // whether GoTo takes a window end in the future is unknown (§7.6): ask again without
          continue;
        }
        this.#failed(error, null);
        await sleep(backoffDelay(n, { baseMs: settings.delayMs / 4, maxMs: settings.delayMs }), signal());
      }
    }
  }

  /**
   * A failed report subscription, or a report read refused (403: the token lacks cr.v1.read): counted; a
   * permanent refusal is logged once and reports are not used again. A 401 is no refusal: the token expired
   * again after the REST client's refreshes (tokens expiring under a busy host), and the next channel asks again.
   */
  subscriptionFailed(error: unknown): void {
    this.deps.count('reportSubscriptionFailures');
    const permanent =
      error instanceof GoToApiError
        ? !error.retryable && error.status !== 401
        : !(error instanceof TypeError);
    if (permanent && !this.#off) {
      this.#off = true;
      this.deps.log.warn(
        { err: describe(error) },
        'Call Events reports refused: calls that start and end during an outage will not be recovered',
      );
    }
  }

  #deliver(callId: string, metadata: CallMetadata, states: readonly CallState[]): void {
    // Metadata seen live is richer (dialString tells internal from outbound calls before the callee shows).
    // Every state, not only those past the highest seen: gaps below it fill too (the tracker drops repeats).
    const meta = this.deps.seen.get(callId)?.metadata ?? metadata;
    const delivered = this.deps.deliver(meta, states);
    this.deps.count('reportStates', delivered);
  }

  #failed(error: unknown, callId: string | null): void {
    if (error instanceof GoToApiError && error.status === 403) {
      this.subscriptionFailed(error);
      return;
    }
    this.deps.log.warn({ err: describe(error), callId }, 'Call Events report read failed');
  }
}
