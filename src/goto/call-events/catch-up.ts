// Start-up catch-up: calls that started and ended while screenpop was down, read from the Call Events Report (§7).
import type { Logger } from 'pino';
import type { CallEventSink } from '../../calls/ports.ts';
import type { PhoneOptions } from '../../phone/phone.ts';
import { backoffDelay, sleep } from '../backoff.ts';
import { describe } from '../auth/token-manager.ts';
import type { GoToApi } from '../http/rest-client.ts';
import { phoneCacheFor } from '../party.ts';
import { fetchReport, fetchReportSummaryIds } from './report.ts';
import { CallStateError, normalizeCallState } from './state-normalizer.ts';

/** What the composition root gives the source so it can catch up at start-up (no card: those calls are over). */
export interface CatchUpSettings {
  /** GoTo time the newest call in the call log started; null: an empty log, so nothing to catch up. */
  readonly newestLogged: () => Promise<number | null>;
  /** Whether a call is in the call log already (its report is then not read again). */
  readonly logged: (callId: string) => Promise<boolean>;
  /** Where the caught-up calls' states go: a tracker that writes the call log and pops no card. */
  readonly sink: CallEventSink;
  /** The window reaches back at most this far (default 24 h): a longer downtime keeps only its last day. */
  readonly maxWindowMs?: number;
  /**
   * Taken off the newest logged call's start (default 1 h): a call live when screenpop stopped started before it
   * and ended while it was down. The log check makes a wide margin cost only list pages.
   */
  readonly marginMs?: number;
}

export interface CatchUpDeps {
  readonly api: GoToApi;
  readonly accountKey: string;
  readonly phone: PhoneOptions;
  readonly log: Logger;
  readonly signal: () => AbortSignal;
  /** Calls the live source knows of (seen, ended, or their report awaited): they are its business. */
  readonly known: (callId: string) => boolean;
  /** A call was caught up (its live REPORT_SUMMARY, if one comes, is then ignored). */
  readonly delivered: (callId: string) => void;
  /** GoTo's report delay: a second pass after it finds the calls that ended just before the start. */
  readonly reportDelayMs: number;
  /** Tries of a failed listing per pass. */
  readonly attempts: number;
  /** Added to the window's end: GoTo's clock may run ahead of ours (ReportSettings.clockSlackMs). */
  readonly clockSlackMs: number;
}

const DAY_MS = 24 * 60 * 60_000;
const HOUR_MS = 60 * 60_000;

export interface CatchUpResult {
  readonly listed: number;
  readonly caughtUp: number;
}

/**
 * Two passes: now (the reports of calls that ended more than the report delay ago are ready), and once the delay
 * has passed (the rest). Idempotent: logged calls are skipped and the call log upserts by id.
 */
export async function catchUp(settings: CatchUpSettings, deps: CatchUpDeps): Promise<CatchUpResult> {
  const newest = await settings.newestLogged();
  if (newest === null) {
    return { listed: 0, caughtUp: 0 };
  }
  const start = Math.max(
    newest - (settings.marginMs ?? HOUR_MS),
    Date.now() - (settings.maxWindowMs ?? DAY_MS),
  );
  const first = await pass(settings, deps, start, newest);
  await sleep(deps.reportDelayMs, deps.signal());
  const second = deps.signal().aborted
    ? { listed: 0, caughtUp: 0 }
    : await pass(settings, deps, start, newest);
  return { listed: Math.max(first.listed, second.listed), caughtUp: first.caughtUp + second.caughtUp };
}

async function pass(
  settings: CatchUpSettings,
  deps: CatchUpDeps,
  start: number,
  newest: number,
): Promise<CatchUpResult> {
  const ids = await listed(deps, start, newest);
  let caughtUp = 0;
  for (const id of ids) {
    if (deps.signal().aborted) {
      break;
    }
    if (await catchUpCall(settings, deps, id)) {
      caughtUp++;
    }
  }
  deps.log.info({ listed: ids.length, caughtUp }, 'start-up catch-up: calls that happened while down');
  return { listed: ids.length, caughtUp };
}

/**
 * One call that ended before the start, unless the live source knows it or it is logged: its report's states go
 * to the catch-up sink. False when it was skipped, or its report is not ready (a later pass brings it).
 */
export async function catchUpCall(
  settings: CatchUpSettings,
  deps: CatchUpDeps,
  id: string,
): Promise<boolean> {
  if (deps.known(id) || (await settings.logged(id))) {
    return false;
  }
  try {
    const report = await fetchReport(deps.api, id, deps.signal());
    if (report === null) {
      return false;
    }
    deps.delivered(id);
    const cache = phoneCacheFor(deps.phone);
    for (const state of report.states) {
      settings.sink.event(normalizeCallState(report.metadata, state, null, cache));
    }
    return true;
  } catch (error) {
    const why = error instanceof CallStateError ? error.message : describe(error);
    deps.log.warn({ callId: id, err: why }, 'start-up catch-up: a call report could not be read');
    return false;
  }
}

async function listed(deps: CatchUpDeps, start: number, newest: number): Promise<string[]> {
  const backoff = { baseMs: 500, maxMs: 10_000 };
  for (let n = 0; ; n++) {
    try {
      const end = Math.max(Date.now(), newest) + deps.clockSlackMs;
      // Oldest first: the call log fills in the order the calls happened.
      return (
        await fetchReportSummaryIds(deps.api, deps.accountKey, { start, end }, deps.signal())
      ).reverse();
    } catch (error) {
      if (n + 1 >= deps.attempts || deps.signal().aborted) {
        deps.log.warn({ err: describe(error) }, 'start-up catch-up: report summaries could not be listed');
        return [];
      }
      await sleep(backoffDelay(n, backoff), deps.signal());
    }
  }
}
