// A preload for profiling a scenario (not used by the bench itself): GC pauses by kind, the pauses of 10 ms or
// more with the heap at that moment, and the event-loop delay, written to $GC_WATCH_DIR/gc-PID.txt when the
// process exits. BENCH_SCREENPOP_NODE_ARGS="--import ./bench/e2e/gc-watch.mjs" GC_WATCH_DIR=/tmp npm run bench -- "pop latency"
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread, threadId } from 'node:worker_threads';

const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
const byKind = {};
const long = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = KINDS[entry.detail?.kind] ?? String(entry.detail?.kind);
    const sum = (byKind[kind] ??= { count: 0, ms: 0, maxMs: 0 });
    sum.count += 1;
    sum.ms += entry.duration;
    sum.maxMs = Math.max(sum.maxMs, entry.duration);
    if (entry.duration >= 10) {
      const heapMb = process.memoryUsage().heapUsed / 1e6;
      long.push(
        `${(entry.startTime / 1000).toFixed(1)} s ${kind} ${entry.duration.toFixed(1)} ms, heap ${heapMb.toFixed(0)} MB`,
      );
    }
  }
}).observe({ entryTypes: ['gc'] });
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
process.on('exit', () => {
  const ms = (ns) => (ns / 1e6).toFixed(1);
  const text = [
    JSON.stringify(byKind),
    `event-loop delay p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms`,
    ...long,
  ].join('\n');
  // Worker threads inherit --import (the SQLite checkpointer's too): each writes a file of its own, or the last
  // thread to exit would overwrite the main thread's figures.
  const name = isMainThread ? `gc-${process.pid}.txt` : `gc-${process.pid}-worker${threadId}.txt`;
  writeFileSync(join(process.env['GC_WATCH_DIR'] ?? '.', name), `${text}\n`);
});
