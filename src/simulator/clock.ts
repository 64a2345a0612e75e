// Simulated time for the simulator: runs `scale` times faster than the wall clock (SimClock in context.ts).
import type { SimClock } from './context.ts';

/** A SimClock that also cancels every pending timer on dispose, so a closed simulator leaves no timer behind. */
export interface DisposableClock extends SimClock {
  dispose(): void;
}

const MAX_TIMER_MS = 2_147_483_647;

/** Simulated time starts at the real time of creation and then runs `scale` times faster. */
export function createSimClock(scale: number): DisposableClock {
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new Error(`timeScale must be a positive number, got ${scale}`);
  }
  const startedAt = Date.now();
  const startedMono = performance.now();
  const timers = new Set<NodeJS.Timeout>();
  return {
    scale,
    now: () => Math.round(startedAt + (performance.now() - startedMono) * scale),
    after(simulatedMs, fn) {
      let timer: NodeJS.Timeout | undefined;
      // setTimeout fires at once for delays past 2^31-1 ms, so long waits (a Webhook channel's lifetime) hop.
      const arm = (realMs: number): void => {
        const step = Math.min(realMs, MAX_TIMER_MS);
        timer = setTimeout(() => {
          timers.delete(timer as NodeJS.Timeout);
          if (realMs > MAX_TIMER_MS) {
            arm(realMs - MAX_TIMER_MS);
            return;
          }
          fn();
        }, step);
        timers.add(timer);
      };
      arm(Math.max(0, simulatedMs / scale));
      return () => {
        if (timer !== undefined) {
          clearTimeout(timer);
          timers.delete(timer);
        }
      };
    },
    dispose() {
      for (const timer of timers) {
        clearTimeout(timer);
      }
      timers.clear();
    },
  };
}
