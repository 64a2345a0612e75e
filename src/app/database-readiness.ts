// /readyz's database check: a ping every few seconds, so a load balancer takes an instance that lost its database
// out of rotation (the check itself must answer at once, it never waits on the database).
import type { Logger } from 'pino';
import type { ReadinessCheck } from '../server/routes/health.ts';

export interface DatabaseReadiness extends ReadinessCheck {
  stop(): void;
}

/** Ready from the start (the store just opened and migrated), until a ping fails; ready again once one passes. */
export function databaseReadiness(
  ping: () => Promise<void>,
  log: Logger,
  everyMs = 2_000,
): DatabaseReadiness {
  let reachable = true;
  let running = false;
  const check = async (): Promise<void> => {
    if (running) {
      return;
    }
    running = true;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => reject(new Error(`no answer within ${everyMs} ms`)), everyMs);
    });
    try {
      await Promise.race([ping(), bound]);
      if (!reachable) {
        log.info({}, 'database reachable again: ready');
      }
      reachable = true;
    } catch (error) {
      if (reachable) {
        log.warn({ reason: String(error) }, 'database unreachable: not ready');
      }
      reachable = false;
    } finally {
      clearTimeout(timeout);
      running = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return { name: 'database', ready: () => reachable, stop: () => clearInterval(timer) };
}
