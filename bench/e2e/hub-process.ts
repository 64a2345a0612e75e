// One instance's push hub in its own process for the "several instances" scenario: A publishes, B delivers.
// argv: role ("publish" | "deliver"), then a JSON HubJob. Prints one JSON line when ready, one with the result.
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { buildCard, pendingEnrichment } from '../../src/pops/card-builder.ts';
import { call } from '../../src/pops/testing/calls.ts';
import { PostgresPushHub } from '../../src/store/postgres/push-hub.ts';
import type { PushHubCounters } from '../../src/store/postgres/push-hub.ts';

export interface HubJob {
  readonly url: string;
  readonly schema: string;
  readonly agents: number;
  readonly callsPerSecond: number;
  readonly seconds: number;
}

export interface DeliverReport {
  /** Publish (A) → listener (B) in ms, one per card, unsorted. */
  readonly latencies: number[];
  readonly expected: number;
  readonly wrongAgent: number;
  readonly counters: PushHubCounters;
}

/** Wall-clock ms with sub-ms precision, comparable between processes on one machine. */
const now = () => performance.timeOrigin + performance.now();
const emit = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const agent = (i: number) => `agent-${i}@bench`;

async function deliver(job: HubJob): Promise<void> {
  const hub = await PostgresPushHub.open({ url: job.url, schema: job.schema, log: pino({ enabled: false }) });
  const expected = Math.round(job.callsPerSecond * job.seconds);
  const latencies: number[] = [];
  let wrongAgent = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  for (let i = 0; i < job.agents; i += 1) {
    await hub.subscribe(agent(i), (entry) => {
      // The publisher puts its clock in `queue` and the agent's number in `dialed` (bench cards only).
      latencies.push(now() - Number(entry.card.queue));
      wrongAgent += entry.card.dialed === String(i) ? 0 : 1;
      if (latencies.length >= expected) {
        finish();
      }
    });
  }
  emit({ ready: true });
  const limit = setTimeout(finish, (job.seconds + 30) * 1000);
  await done;
  clearTimeout(limit);
  emit({ report: { latencies, expected, wrongAgent, counters: hub.counters } satisfies DeliverReport });
  await hub.close();
}

async function publish(job: HubJob): Promise<void> {
  const hub = await PostgresPushHub.open({ url: job.url, schema: job.schema, log: pino({ enabled: false }) });
  // Warm-up, not measured: the pool's connection opened, the write path compiled (nobody subscribes to it).
  for (let i = 0; i < 20; i += 1) {
    const base = buildCard({
      call: call({ id: `warm-${i}` }),
      enrichment: pendingEnrichment(call()),
      version: 1,
      notes: null,
    });
    hub.publish(['warm-up@bench'], base);
    await hub.recentCards('warm-up@bench');
  }
  emit({ ready: true });
  const total = Math.round(job.callsPerSecond * job.seconds);
  const started = now();
  for (let k = 0; k < total;) {
    const due = Math.min(total, Math.floor(((now() - started) / 1000) * job.callsPerSecond) + 1);
    for (; k < due; k += 1) {
      const i = k % job.agents;
      const base = buildCard({
        call: call({ id: `bench-${k}` }),
        enrichment: pendingEnrichment(call()),
        version: 1,
        notes: null,
      });
      hub.publish([agent(i)], { ...base, queue: String(now()), dialed: String(i) });
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await hub.close();
  emit({ published: total, counters: hub.counters });
}

const [role, raw] = process.argv.slice(2);
const job = JSON.parse(raw ?? '{}') as HubJob;
(role === 'deliver' ? deliver(job) : publish(job)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
