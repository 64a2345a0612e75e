// Settings → Integrations health in words: whether a lookup provider or a webhook endpoint is well, and since when.
import type { ProviderHealth, WebhookEndpointStatus } from '../../../src/shared/trace.ts';
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
