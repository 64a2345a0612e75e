// Writes the queued CRM call records: per provider, claim the next due outbox row (one at a time, in order per call),
// build the record from the call log, create or update it through the provider's writer, remember the CRM's id.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../calls/ports.ts';
import { CrmWriteError } from '../lookup/providers/call-record.ts';
import type { CallRecordWriter, CrmRecordRef } from '../lookup/providers/call-record.ts';
import type { CallLogEntry } from '../shared/api.ts';
import { OutboxLoops } from '../webhooks/outbox-loops.ts';
import type { AttemptResult, Claim, OutboxStore } from '../webhooks/ports.ts';
import { afterFailure, defaultRetryPolicy } from '../webhooks/retry-policy.ts';
import type { RetryPolicy } from '../webhooks/retry-policy.ts';
import { toCrmCallRecord } from './call-record.ts';
import { crmEndpoint } from './crm-queue.ts';
import type { CrmWritePayload } from './crm-queue.ts';
import type { CrmRecordStore } from './ports.ts';

export interface CrmDelivererDeps {
  readonly outbox: OutboxStore;
  readonly records: CrmRecordStore;
  readonly callLog: { get(callId: string): Promise<CallLogEntry | null> };
  readonly writers: readonly CallRecordWriter[];
  readonly clock: Clock;
  readonly log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
  readonly policy?: RetryPolicy;
  readonly random?: () => number;
  /** How often an idle provider looks for due rows (retries, other instances' rows), ms. */
  readonly pollMs?: number;
  /** One write's time limit (a CRM write may take a few requests), ms. */
  readonly timeoutMs?: number;
}

/** What one attempt came to, before it is recorded. */
interface Outcome {
  readonly ref: CrmRecordRef | null;
  readonly error: string | null;
  readonly status: number | null;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | null;
}

// Settled rows are pruned after two days, as the webhooks' are (the same table; either pruner clears both).
const KEEP_MS = 2 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

export class CrmDeliverer {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}:crm`;
  private readonly policy: RetryPolicy;
  private readonly loops: OutboxLoops<CallRecordWriter>;

  constructor(private readonly deps: CrmDelivererDeps) {
    this.policy = deps.policy ?? defaultRetryPolicy;
    this.loops = new OutboxLoops({
      keys: deps.writers,
      drain: (writer) => this.drain(writer),
      describe: (writer) => ({ provider: writer.name }),
      failedMessage: 'CRM call log loop failed',
      log: deps.log,
      pollMs: deps.pollMs,
      prune: () => deps.outbox.prune(deps.clock.now() - KEEP_MS),
      pruneEveryMs: PRUNE_EVERY_MS,
      pruneFailedMessage: 'CRM outbox prune failed',
    });
  }

  start(): void {
    this.loops.start();
  }

  wake(): void {
    this.loops.wake();
  }

  /** Attempts every row due now, provider by provider; returns how many attempts were made (tests drive this). */
  deliverDue(): Promise<number> {
    return this.loops.drainAll();
  }

  stop(): Promise<void> {
    return this.loops.stop();
  }

  private async drain(writer: CallRecordWriter): Promise<number> {
    let attempts = 0;
    const timeoutMs = this.deps.timeoutMs ?? 20_000;
    while (!this.loops.signal.aborted) {
      const now = this.deps.clock.now();
      const claim = await this.deps.outbox.claim(crmEndpoint(writer.name), this.owner, now, timeoutMs * 3);
      if (claim === null) {
        return attempts;
      }
      await this.attempt(writer, claim, timeoutMs);
      attempts += 1;
    }
    return attempts;
  }

  private async attempt(writer: CallRecordWriter, claim: Claim, timeoutMs: number): Promise<void> {
    const { row } = claim;
    const at = this.deps.clock.now();
    const started = performance.now();
    const outcome = await this.write(writer, row.callId, parsePayload(row.payload), at, timeoutMs);
    const base = {
      rowId: row.id,
      owner: this.owner,
      at,
      durationMs: performance.now() - started,
      status: outcome.status,
      error: outcome.error,
    };
    const fields = { provider: writer.name, callId: row.callId, attempt: row.attempts + 1 };
    if (outcome.ref !== null) {
      await this.deps.records.logged(row.callId, writer.name, outcome.ref, at);
      await this.finish(writer, claim, {
        ...base,
        outcome: 'delivered',
        nextAttemptAt: at,
        failingSince: null,
        pausedUntil: null,
      });
      this.deps.log.info({ ...fields, ms: Math.round(base.durationMs) }, 'call logged to CRM');
      return;
    }
    const verdict = this.verdict(claim, at, outcome);
    await this.deps.records.failed(
      row.callId,
      writer.name,
      {
        error: outcome.error ?? 'failed',
        answered: outcome.status !== null,
        gaveUp: verdict.outcome === 'dead',
      },
      at,
    );
    await this.finish(writer, claim, { ...base, ...verdict });
    this.deps.log.warn(
      { ...fields, status: outcome.status, error: outcome.error, outcome: verdict.outcome },
      'CRM call log write failed',
    );
  }

  private verdict(claim: Claim, at: number, outcome: Outcome): Omit<AttemptResult, keyof Base> {
    if (this.loops.signal.aborted) {
      return { outcome: 'retry', nextAttemptAt: at, failingSince: claim.failingSince, pausedUntil: null };
    }
    const failure = afterFailure(
      {
        now: at,
        createdAt: claim.row.createdAt,
        failures: claim.row.attempts + 1,
        failingSince: claim.failingSince,
      },
      this.deps.random ?? Math.random,
      this.policy,
    );
    if (!outcome.retryable) {
      // 400/401/403/404: the same request would fail the same way; a person retries after fixing the cause.
      return { ...failure, outcome: 'dead', pausedUntil: null };
    }
    const asked = outcome.retryAfterSeconds === null ? 0 : at + outcome.retryAfterSeconds * 1000;
    return { ...failure, nextAttemptAt: Math.max(failure.nextAttemptAt, asked) };
  }

  private finish(writer: CallRecordWriter, claim: Claim, result: AttemptResult): Promise<void> {
    return this.deps.outbox.finish(crmEndpoint(writer.name), claim.row, result);
  }

  private async write(
    writer: CallRecordWriter,
    callId: string,
    payload: CrmWritePayload,
    at: number,
    timeoutMs: number,
  ): Promise<Outcome> {
    try {
      const entry = await this.deps.callLog.get(callId);
      if (entry === null) {
        return failure('the call is not in the call log', null, true, null);
      }
      const link = await this.deps.records.get(callId, writer.name);
      if (link === null) {
        await this.deps.records.queued(callId, writer.name, payload.contact, at);
      }
      const contact = payload.contact !== undefined ? payload.contact : (link?.contact ?? null);
      const record = toCrmCallRecord(entry, contact);
      const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.loops.signal]);
      let existing: CrmRecordRef | null = link?.crmId == null ? null : { id: link.crmId, url: link.crmUrl };
      if (existing === null && link?.uncertain === true && writer.find !== undefined) {
        // A create went out before and its answer was lost: look for the record it may have made.
        existing = await writer.find(record, signal);
      }
      await this.deps.records.attempting(callId, writer.name, at);
      const ref = await writer.write(record, existing, signal);
      return { ref, error: null, status: null, retryable: true, retryAfterSeconds: null };
    } catch (error) {
      if (error instanceof CrmWriteError) {
        return failure(error.message, error.status, error.retryable, error.retryAfterSeconds);
      }
      return failure(describe(error), null, true, null);
    }
  }
}

type Base = Pick<AttemptResult, 'rowId' | 'owner' | 'at' | 'durationMs' | 'status' | 'error'>;

function failure(
  error: string,
  status: number | null,
  retryable: boolean,
  retryAfterSeconds: number | null,
): Outcome {
  return { ref: null, error, status, retryable, retryAfterSeconds };
}

function parsePayload(text: string): CrmWritePayload {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as CrmWritePayload) : {};
  } catch {
    return {};
  }
}

function describe(failure: unknown): string {
  if (failure instanceof Error) {
    if (failure.name === 'TimeoutError') {
      return 'timed out';
    }
    if (failure.name === 'AbortError') {
      return 'shutdown';
    }
    return failure.message;
  }
  return String(failure);
}
