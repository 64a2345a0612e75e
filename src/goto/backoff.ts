// Exponential back-off with jitter, shared by REST retries and socket reconnects.
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly random?: () => number;
}

/** Delay before attempt `attempt` (0-based): base·2^attempt, capped, then "equal jitter" (half fixed, half random). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Rebuilding a lost GoTo socket: 1 s, doubling to a minute. */
export const defaultReconnect: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };

/** Resolves after ms, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, retrying with back-off while `transient(error)` says the failure may pass
 * (GoTo down or rate limiting at boot); a permanent error, or an abort, ends it with that error.
 */
export async function retryTransient<T>(
  attempt: () => Promise<T>,
  transient: (error: unknown) => boolean,
  options: BackoffOptions & {
    readonly signal: AbortSignal;
    readonly onRetry?: (error: unknown, n: number) => void;
  },
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (options.signal.aborted || !transient(error)) {
        throw error;
      }
      options.onRetry?.(error, n + 1);
      await sleep(backoffDelay(n, options), options.signal);
      if (options.signal.aborted) {
        throw error;
      }
    }
  }
}

/**
 * Rebuilds a lost connection: waits a back-off delay, then tries `connect`, until it succeeds (true) or the signal
 * aborts (false). Each failed try goes to `onFailure` (n from 1). Delays start at attempt `skip` (default 0).
 */
export async function reconnectWithBackoff(
  connect: () => Promise<void>,
  options: BackoffOptions & {
    readonly signal: AbortSignal;
    readonly skip?: number;
    readonly onFailure: (error: unknown, n: number) => void;
  },
): Promise<boolean> {
  for (let attempt = 0; !options.signal.aborted; attempt++) {
    await sleep(backoffDelay(attempt + (options.skip ?? 0), options), options.signal);
    if (options.signal.aborted) {
      return false;
    }
    try {
      await connect();
      return true;
    } catch (error) {
      options.onFailure(error, attempt + 1);
    }
  }
  return false;
}
