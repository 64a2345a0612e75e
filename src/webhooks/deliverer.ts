// Delivers the outbox: per endpoint, claim the next due row, POST it signed, record the attempt; retry with back-off.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../calls/ports.ts';
import type { Claim, OutboxStore } from './ports.ts';
import { afterFailure, defaultRetryPolicy } from './retry-policy.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { OutboxLoops } from './outbox-loops.ts';
import { signDelivery } from './signer.ts';
import type { WebhookEndpoint } from './webhook-config.ts';

export interface DelivererLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface DelivererDeps {
  readonly store: OutboxStore;
  readonly endpoints: readonly WebhookEndpoint[];
  readonly clock: Clock;
  readonly log: DelivererLog;
  readonly policy?: RetryPolicy;
  /** Jitter source in [0, 1); tests pass a fixed one. */
  readonly random?: () => number;
  /** How often an idle endpoint looks for due rows (retries, other instances' rows), ms. */
  readonly pollMs?: number;
}

// Settled rows and log entries are kept two days: past the one-day retry window, so a repeat of an event
// (another instance seeing the call late) still finds its row and is dropped.
const KEEP_MS = 2 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

export class WebhookDeliverer {
  /** Names this process's leases: host, pid and a random part (pids repeat across containers). */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly loops: OutboxLoops<WebhookEndpoint>;

  constructor(private readonly deps: DelivererDeps) {
    this.policy = deps.policy ?? defaultRetryPolicy;
    this.random = deps.random ?? Math.random;
    this.loops = new OutboxLoops({
      keys: deps.endpoints,
      drain: (endpoint) => this.drain(endpoint),
      describe: (endpoint) => ({ endpoint: endpoint.name }),
      failedMessage: 'webhook delivery loop failed',
      log: deps.log,
      pollMs: deps.pollMs,
      prune: () => deps.store.prune(deps.clock.now() - KEEP_MS),
      pruneEveryMs: PRUNE_EVERY_MS,
      pruneFailedMessage: 'webhook outbox prune failed',
    });
  }

  /** One delivery loop per endpoint, until stop(). */
  start(): void {
    this.loops.start();
  }

  /** New rows were queued: idle loops look now instead of at their next poll. */
  wake(): void {
    this.loops.wake();
  }

  /** Attempts every row due now, endpoint by endpoint; returns how many attempts were made (tests drive this). */
  deliverDue(): Promise<number> {
    return this.loops.drainAll();
  }

  /** Stops the loops; an attempt in flight is cut short and left due again at once. */
  stop(): Promise<void> {
    return this.loops.stop();
  }

  private async drain(endpoint: WebhookEndpoint): Promise<number> {
    let attempts = 0;
    while (!this.loops.signal.aborted) {
      // The lease outlives the attempt's timeout, so a live attempt is never claimed twice.
      const leaseMs = Math.max(60_000, endpoint.timeoutMs * 3);
      const claim = await this.deps.store.claim(endpoint.name, this.owner, this.deps.clock.now(), leaseMs);
      if (claim === null) {
        return attempts;
      }
      await this.attempt(endpoint, claim);
      attempts += 1;
    }
    return attempts;
  }

  private async attempt(endpoint: WebhookEndpoint, claim: Claim): Promise<void> {
    const { row } = claim;
    const at = this.deps.clock.now();
    const started = performance.now();
    const request = signDelivery(endpoint.secret, row.eventId, at, row.payload);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        // A redirect is a misconfigured URL, not a delivery; the signature is for this URL's receiver only.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(endpoint.timeoutMs), this.loops.signal]),
      });
      status = response.status;
      await response.body?.cancel();
      if (status < 200 || status > 299) {
        error = `HTTP ${status}`;
      }
    } catch (failure) {
      error = describe(failure);
    }
    const durationMs = performance.now() - started;
    const base = { rowId: row.id, owner: this.owner, at, durationMs, status, error };
    if (error === null) {
      await this.deps.store.finish(endpoint.name, row, {
        ...base,
        outcome: 'delivered',
        nextAttemptAt: at,
        failingSince: null,
        pausedUntil: null,
      });
      this.deps.log.info(
        {
          endpoint: endpoint.name,
          callId: row.callId,
          eventId: row.eventId,
          type: row.type,
          attempt: row.attempts + 1,
          status,
          ms: Math.round(durationMs),
        },
        'webhook delivered',
      );
      return;
    }
    const verdict = this.loops.signal.aborted
      ? { outcome: 'retry' as const, nextAttemptAt: at, failingSince: claim.failingSince, pausedUntil: null }
      : afterFailure(
          { now: at, createdAt: row.createdAt, failures: row.attempts + 1, failingSince: claim.failingSince },
          this.random,
          this.policy,
        );
    await this.deps.store.finish(endpoint.name, row, { ...base, ...verdict });
    this.deps.log.warn(
      {
        endpoint: endpoint.name,
        callId: row.callId,
        eventId: row.eventId,
        type: row.type,
        attempt: row.attempts + 1,
        status,
        error,
        outcome: verdict.outcome,
        paused: verdict.pausedUntil !== null,
      },
      'webhook delivery failed',
    );
  }
}

/** A short reason for the log: the socket error code ("ECONNREFUSED"), "timeout", or the message. */
function describe(failure: unknown): string {
  if (failure instanceof Error) {
    if (failure.name === 'TimeoutError') {
      return 'timeout';
    }
    if (failure.name === 'AbortError') {
      return 'shutdown';
    }
    const cause = failure.cause;
    if (cause !== null && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string') {
      return cause.code;
    }
    return failure.message;
  }
  return String(failure);
}
