// Settings → Integrations health in words: whether a lookup provider, its call logging or a webhook endpoint is
// well, and since when.
import type { CallLoggingHealth, ProviderHealth, WebhookEndpointStatus } from '../../../src/shared/trace.ts';
import { formatAgo } from './format.ts';

export interface HealthText {
  readonly text: string;
  readonly ok: boolean;
}

/** Failing when its last request failed; "no requests yet" before the first (cache hits send none). */
export function providerState(p: ProviderHealth, now: number): HealthText {
  const failedLast = p.lastErrorAt !== null && (p.lastSuccessAt === null || p.lastErrorAt >= p.lastSuccessAt);
  if (failedLast) {
    return {
      text: `Failing: ${p.lastError ?? 'error'} (${formatAgo(p.lastErrorAt ?? now, now)})`,
      ok: false,
    };
  }
  if (p.lastSuccessAt === null) {
    return { text: 'No requests yet', ok: true };
  }
  return { text: `OK, last answer ${formatAgo(p.lastSuccessAt, now)}`, ok: true };
}

export function latencyText(p: ProviderHealth): string {
  const { last, p50, p95 } = p.latencyMs;
  if (last === null) {
    return '—';
  }
  return `p50 ${Math.round(p50 ?? last)} ms · p95 ${Math.round(p95 ?? last)} ms · last ${Math.round(last)} ms`;
}

export function webhookState(e: WebhookEndpointStatus, now: number): HealthText {
  if (e.paused) {
    return { text: `Paused: failing since ${formatAgo(e.failingSince ?? now, now)}`, ok: false };
  }
  if (e.failing) {
    const status = e.lastStatus === null ? 'no answer' : `HTTP ${e.lastStatus}`;
    return { text: `Failing since ${formatAgo(e.failingSince ?? now, now)} (${status})`, ok: false };
  }
  if (e.lastSuccessAt === null) {
    return { text: 'Nothing delivered yet', ok: true };
  }
  return { text: `OK, last delivery ${formatAgo(e.lastSuccessAt, now)}`, ok: true };
}

/** A CRM's error can be long (a whole response body); the row shows its start. */
const ERROR_CHARS = 160;

function shortError(c: CallLoggingHealth): string {
  const error = c.lastError ?? (c.lastStatus === null ? 'no answer' : `HTTP ${c.lastStatus}`);
  return error.length > ERROR_CHARS ? `${error.slice(0, ERROR_CHARS - 1)}…` : error;
}

/** The provider's CRM call logging: paused, failing since when and why, OK with its last record, or not yet used. */
export function callLoggingState(c: CallLoggingHealth, now: number): HealthText {
  const since = formatAgo(c.failingSince ?? c.lastAttemptAt ?? now, now);
  if (c.paused) {
    return { text: `Call logging: paused, failing since ${since}: ${shortError(c)}`, ok: false };
  }
  if (c.failing) {
    return { text: `Call logging: failing since ${since}: ${shortError(c)}`, ok: false };
  }
  if (c.lastSuccessAt === null) {
    return { text: 'Call logging: nothing logged yet', ok: true };
  }
  return { text: `Call logging: OK, last logged ${formatAgo(c.lastSuccessAt, now)}`, ok: true };
}

/** "last 24 h: 12 logged, 1 failed · 2 waiting, 1 given up": the parts that are not zero. */
export function callLoggingCounts(c: CallLoggingHealth): string {
  const day = [
    `${c.last24h.logged} logged`,
    ...(c.last24h.failed > 0 ? [`${c.last24h.failed} failed`] : []),
    ...(c.last24h.pending > 0 ? [`${c.last24h.pending} pending`] : []),
  ].join(', ');
  const queue = [
    ...(c.pending > 0 ? [`${c.pending} waiting`] : []),
    ...(c.dead > 0 ? [`${c.dead} given up`] : []),
  ].join(', ');
  return `last 24 h: ${day}${queue === '' ? '' : ` · ${queue}`}`;
}
