// When a failed webhook delivery is tried again, when it is given up, and when its endpoint is paused.

export interface RetryPolicy {
  /** Delay after the first failure; each further failure doubles it. */
  readonly firstDelayMs: number;
  /** The doubling stops here. */
  readonly maxDelayMs: number;
  /** ± this fraction of random spread, so endpoints that failed together are not retried in lockstep. */
  readonly jitter: number;
  /** An event still undelivered this long after it happened is given up (dead). */
  readonly giveUpAfterMs: number;
  /** An endpoint failing this long without one success is paused... */
  readonly pauseAfterMs: number;
  /** ...and while paused gets one probe attempt per this interval; the first success resumes it. */
  readonly probeEveryMs: number;
}

/**
 * 5 s doubling to an hour (5 s, 10 s, 20 s … 43 min, then hourly): 33 attempts over a day, the retry window
 * the Standard Webhooks guidance and the big senders use; a receiver down for a deploy sees its events within
 * seconds of coming back.
 */
export const defaultRetryPolicy: RetryPolicy = {
  firstDelayMs: 5_000,
  maxDelayMs: 60 * 60_000,
  jitter: 0.2,
  giveUpAfterMs: 24 * 60 * 60_000,
  pauseAfterMs: 3 * 60 * 60_000,
  probeEveryMs: 15 * 60_000,
};

/** The delay before attempt `failures + 1`, after `failures` (≥ 1) failed attempts; `random` in [0, 1). */
export function retryDelayMs(failures: number, random: () => number, policy: RetryPolicy): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const base = Math.min(policy.firstDelayMs * 2 ** exponent, policy.maxDelayMs);
  return Math.round(base * (1 - policy.jitter + 2 * policy.jitter * random()));
}

export interface FailureVerdict {
  readonly outcome: 'retry' | 'dead';
  readonly nextAttemptAt: number;
  readonly failingSince: number;
  readonly pausedUntil: number | null;
}

/** What a failed attempt at `now` means for the event (retry or give up) and for its endpoint (pause or not). */
export function afterFailure(
  input: {
    readonly now: number;
    readonly createdAt: number;
    readonly failures: number;
    readonly failingSince: number | null;
  },
  random: () => number,
  policy: RetryPolicy,
): FailureVerdict {
  const failingSince = input.failingSince ?? input.now;
  const nextAttemptAt = input.now + retryDelayMs(input.failures, random, policy);
  const paused = input.now - failingSince >= policy.pauseAfterMs;
  return {
    outcome: nextAttemptAt - input.createdAt > policy.giveUpAfterMs ? 'dead' : 'retry',
    nextAttemptAt,
    failingSince,
    pausedUntil: paused ? input.now + policy.probeEveryMs : null,
  };
}
