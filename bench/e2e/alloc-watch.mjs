// A preload for profiling a scenario (not used by the bench itself): bytes allocated, CPU and young-generation
// collections per ended call, over the seconds calls were ending, written to $GC_WATCH_DIR/alloc-PID.txt when the
// process exits. Per call, not per second: a machine others load slows screenpop down, but a call still allocates
// what it allocates. BENCH_SCREENPOP_NODE_ARGS="--import ./bench/e2e/alloc-watch.mjs" GC_WATCH_DIR=/tmp
// npm run bench -- "pop latency"
//
// Allocated bytes: the heap used before each collection less the heap left after the one before (v8.GCProfiler),
// plus what has grown since the last. Ended calls: screenpop's own screenpop_calls_ended_total, read from its
// /metrics every 2 s (SCREENPOP_PORT; the default setup has no metrics token).
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';

/** A 2 s step with more calls ended than this is inside the traffic. */
const ENDING = 50;

function watch() {
  let profiler = new v8.GCProfiler();
  profiler.start();
  let lastAfter = v8.getHeapStatistics().used_heap_size;
  const totals = { allocated: 0, scavenges: 0, scavengeMs: 0 };
  const points = [];
  const collect = () => {
    for (const s of profiler.stop().statistics) {
      totals.allocated += Math.max(0, s.beforeGC.heapStatistics.usedHeapSize - lastAfter);
      lastAfter = s.afterGC.heapStatistics.usedHeapSize;
      if (s.gcType === 'Scavenge') {
        totals.scavenges += 1;
        totals.scavengeMs += s.cost / 1000;
      }
    }
    profiler = new v8.GCProfiler();
    profiler.start();
  };
  const url = `http://127.0.0.1:${process.env['SCREENPOP_PORT'] ?? '3000'}/metrics`;
  setInterval(() => {
    collect();
    const cpu = process.cpuUsage();
    const point = {
      allocated: totals.allocated + Math.max(0, v8.getHeapStatistics().used_heap_size - lastAfter),
      cpuMs: (cpu.user + cpu.system) / 1000,
      scavenges: totals.scavenges,
      scavengeMs: totals.scavengeMs,
      ended: Number.NaN,
    };
    points.push(point);
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => {
          point.ended = Number(/^screenpop_calls_ended_total (\d+)/m.exec(body)?.[1] ?? Number.NaN);
        });
      })
      .on('error', () => {});
  }, 2_000).unref();
  process.on('exit', () => {
    const read = points.filter((p) => Number.isFinite(p.ended));
    let from = null;
    let to = null;
    for (let i = 1; i < read.length; i++) {
      if (read[i].ended - read[i - 1].ended > ENDING) {
        from ??= read[i - 1];
        to = read[i];
      }
    }
    const calls = from === null ? 0 : to.ended - from.ended;
    const per = (key, unit) => (from === null ? '?' : ((to[key] - from[key]) / calls) * unit);
    const summary =
      from === null
        ? 'no calls ended'
        : `${calls} calls: ${(per('allocated', 1) / 1024).toFixed(1)} KB allocated, ` +
          `CPU ${per('cpuMs', 1).toFixed(2)} ms, scavenges ${per('scavengeMs', 1000).toFixed(0)} µs per call; ` +
          `one scavenge per ${(calls / (to.scavenges - from.scavenges)).toFixed(0)} calls`;
    const text = [summary, ...points.map((p) => JSON.stringify(p))].join('\n');
    writeFileSync(join(process.env['GC_WATCH_DIR'] ?? '.', `alloc-${process.pid}.txt`), `${text}\n`);
  });
}

// Worker threads inherit --import: only the main thread runs the pop path (and serves /metrics).
if (isMainThread) {
  watch();
}
