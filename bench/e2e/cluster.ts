// Scenario 6 through the whole path: two real screenpop instances on one fresh PostgreSQL database and one
// simulator; A leads (ingests GoTo), the agents' sockets are on B, so every card crosses from A to B. Then the
// takeover: kill -9 of A while calls flow, timed until B leads and until B delivers a call that rang after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Row } from '../report.ts';
import type { PopsReport, SignInReport, TrafficPlan } from './load-client.ts';
import { LoadClientProcess } from './load-client-process.ts';
import { procStats, startScreenpopProcess } from './processes.ts';
import type { Running } from './processes.ts';
import { count, ms, popRow } from './rows.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Epoch ms on the clock the load client's timeline uses. */
const epochNow = () => performance.timeOrigin + performance.now();

/** What scenario 6 needs of the bench run (E2eRun in scenarios.ts). */
export interface ClusterRun {
  readonly dir: string;
  readonly sim: Running;
  readonly lineOwner: Record<string, string>;
  emails(n: number): string[];
  plan(agents: number, callsPerSecond: number, seconds: number): TrafficPlan;
}

/** A database of its own (the lease and LISTEN/NOTIFY are per database), dropped by drop(). */
async function freshDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sp_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function leading(url: string): Promise<boolean> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    return /^screenpop_leader 1$/m.test(text);
  } catch {
    return false;
  }
}

/** Ms from `since` until the instance's /metrics says it leads (polled every 25 ms, bounded). */
async function leadsAfter(url: string, since: number, boundMs: number): Promise<number> {
  while (epochNow() - since < boundMs) {
    if (await leading(url)) {
      return epochNow() - since;
    }
    await sleep(25);
  }
  throw new Error(`${url} did not lead within ${boundMs} ms`);
}

/** A then B on one fresh database; A leads before B starts; the agents signed in (through B). */
async function startCluster(run: ClusterRun, baseUrl: string, agents: number) {
  const db = await freshDatabase(baseUrl);
  const dirs: string[] = [];
  const started: Running[] = [];
  const close = async () => {
    await Promise.all(started.map((s) => s.stop()));
    await db.drop().catch(() => undefined);
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  };
  try {
    const instance = async (name: string) => {
      const dataDir = mkdtempSync(join(run.dir, `${name}-`));
      dirs.push(dataDir);
      const s = await startScreenpopProcess({
        simUrl: run.sim.url,
        databaseFile: db.url,
        dataDir,
        eventSource: 'call-events',
      });
      started.push(s);
      return s;
    };
    const a = await instance('a');
    await leadsAfter(a.url, epochNow(), 60_000);
    const b = await instance('b');
    if (await leading(b.url)) {
      throw new Error('B leads beside A');
    }
    const load = LoadClientProcess.start(b.url, run.sim.url);
    const close2 = async () => {
      await load.close();
      await close();
    };
    try {
      const signedIn = await load.send<SignInReport>({
        cmd: 'signIn',
        emails: run.emails(agents),
        concurrency: 32,
      });
      if (signedIn.failures > 0) {
        throw new Error(`${signedIn.failures} sign-ins on B failed: ${signedIn.firstError}`);
      }
    } catch (error) {
      await close2();
      throw error;
    }
    return { a, b, load, close: close2 };
  } catch (error) {
    await close();
    throw error;
  }
}

/** An instance's /metrics, each series summed over its labels; {} when it does not answer. */
async function metrics(url: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const match of text.matchAll(/^([a-z_]+)(?:\{[^}]*\})? (\S+)$/gm)) {
      out[match[1]!] = (out[match[1]!] ?? 0) + Number(match[2]);
    }
    // Histogram buckets apart, by their upper bound: "name_bucket le" (cumulative counts).
    for (const match of text.matchAll(/^([a-z_]+_bucket)\{le="([^"]+)"\} (\S+)$/gm)) {
      out[`${match[1]!} ${match[2]!}`] = Number(match[3]);
    }
  } catch {
    // the note says "-" for what it could not read
  }
  return out;
}

/** What A's own counters say over a run: cards published, its event → pop time, events it dropped. */
function leaderNote(before: Record<string, number>, after: Record<string, number>): string {
  // A labelled counter has no line until it first counts: absent before means 0.
  const delta = (name: string) => (after[name] ?? Number.NaN) - (before[name] ?? 0);
  const pops = delta('screenpop_first_pop_seconds_count');
  const meanMs = (1000 * delta('screenpop_first_pop_seconds_sum')) / pops;
  return (
    `A: ${delta('screenpop_cards_published_total')} cards published, ${pops} first pops (mean ` +
    `${ms(meanMs)} ms its own clock), ${delta('screenpop_leader_dropped_events_total')} events dropped, ` +
    `${after['screenpop_push_hub_pending_cards'] ?? '-'} cards pending at the end, lease epoch ` +
    `${before['screenpop_leader_epoch'] ?? '-'} → ${after['screenpop_leader_epoch'] ?? '-'}, leading at the end: ` +
    `${after['screenpop_leader'] ?? '-'}`
  );
}

/**
 * A histogram's mean and p99 over a run, from two /metrics readings: "mean 1.2 ms, p99 ≤ 5 ms" (the p99 is the
 * upper bound of the bucket it falls in).
 */
function histogramNote(name: string, before: Record<string, number>, after: Record<string, number>): string {
  const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
  const n = delta(`${name}_count`);
  if (!(n > 0)) {
    return '-';
  }
  const bounds = Object.keys(after)
    .filter((key) => key.startsWith(`${name}_bucket `))
    .map((key) => key.slice(name.length + 8))
    .filter((le) => le !== '+Inf')
    .sort((x, y) => Number(x) - Number(y));
  const p99 = bounds.find((le) => delta(`${name}_bucket ${le}`) >= 0.99 * n);
  const p99Text = p99 === undefined ? `> ${ms(1000 * Number(bounds.at(-1)))}` : `≤ ${ms(1000 * Number(p99))}`;
  return `mean ${ms((1000 * delta(`${name}_sum`)) / n)} ms, p99 ${p99Text} ms over ${count(n)}`;
}

/** The hop's two legs: A's writes (publish → commit) and the reader's notifications (A sent → its sockets). */
function hopNote(
  a: readonly Record<string, number>[],
  reader: string,
  r: readonly Record<string, number>[],
): string {
  return (
    `A's writes (oldest card published → commit): ` +
    `${histogramNote('screenpop_push_hub_write_seconds', a[0]!, a[1]!)} batches; ` +
    `${reader}'s notifications (A sent → ${reader} handed the rows to its sockets): ` +
    `${histogramNote('screenpop_push_hub_delivery_seconds', r[0]!, r[1]!)}`
  );
}

const load1 = () => loadavg()[0]!.toFixed(1);

/**
 * Scenario 6 rows: the full path (simulator → A ingests → PostgreSQL → B's agent socket) at the given rate, and
 * the takeover after kill -9 of A. Both rows run on one cluster; a failure of the first skips the second.
 */
export async function clusterRows(
  run: ClusterRun,
  baseUrl: string,
  names: { path: string; onLeader: string; takeover: string },
  load: { readonly agents: number; readonly callsPerSecond: number; readonly seconds: number },
  takeoverSeconds: number,
): Promise<Row[]> {
  const cluster = await startCluster(run, baseUrl, load.agents);
  const rows: Row[] = [];
  try {
    const pops = (seconds: number, timeline: boolean) =>
      cluster.load.send<PopsReport>({
        cmd: 'pops',
        connect: run.emails(load.agents),
        lineOwner: run.lineOwner,
        plan: run.plan(load.agents, load.callsPerSecond, seconds),
        graceMs: 10_000,
        timeline,
      });
    // A warm-up run first (not counted): a fresh instance's first seconds of calls (JIT, PostgreSQL caches and
    // plans) are slower than its steady state, and the path row runs first on a fresh cluster.
    const warm = await pops(2, false);
    const cpu0 = { a: procStats(cluster.a.process.pid ?? 0), b: procStats(cluster.b.process.pid ?? 0) };
    const seen0 = await metrics(cluster.a.url);
    const seenB0 = await metrics(cluster.b.url);
    const path = await pops(load.seconds, false);
    const seen1 = await metrics(cluster.a.url);
    const seenB1 = await metrics(cluster.b.url);
    const cpu = {
      a: procStats(cluster.a.process.pid ?? 0).cpuSeconds - cpu0.a.cpuSeconds,
      b: procStats(cluster.b.process.pid ?? 0).cpuSeconds - cpu0.b.cpuSeconds,
    };
    const row = popRow(names.path, path, { p50: Number.POSITIVE_INFINITY, p99: 10 });
    rows.push({
      ...row,
      goal: 'p99 ≤ 10 ms, 0 lost, 0 wrong',
      met: path.summary.p99Ms <= 10 && path.summary.lost === 0 && path.summary.wrongAgent === 0,
      notes:
        `simulator → A (leader, Call Events) → PostgreSQL → B → agent socket on B, after a 2-s warm-up ` +
        `(p50 ${ms(warm.summary.p50Ms)} ms, p99 ${ms(warm.summary.p99Ms)} ms, ${warm.summary.lost} lost); ` +
        `${row.notes}; CPU A ${cpu.a.toFixed(1)} s, B ${cpu.b.toFixed(1)} s; ${leaderNote(seen0, seen1)}; ` +
        `${hopNote([seen0, seen1], 'B', [seenB0, seenB1])}; load average ${load1()}`,
    });

    const seenB = await metrics(cluster.b.url);
    rows[rows.length - 1] = {
      ...rows[rows.length - 1]!,
      notes: `${rows[rows.length - 1]!.notes}; B's lease epoch at the end ${seenB['screenpop_leader_epoch'] ?? '-'}`,
    };
    await leadsAfter(cluster.a.url, epochNow(), 15_000).catch(() => undefined);

    // The same path with the sockets on the leader itself: what ingestion on PostgreSQL costs without the hop.
    const onA = LoadClientProcess.start(cluster.a.url, run.sim.url);
    try {
      const signedIn = await onA.send<SignInReport>({
        cmd: 'signIn',
        emails: run.emails(load.agents),
        concurrency: 32,
      });
      if (signedIn.failures > 0) {
        throw new Error(`${signedIn.failures} sign-ins on A failed: ${signedIn.firstError}`);
      }
      const onA0 = await metrics(cluster.a.url);
      const local = await onA.send<PopsReport>({
        cmd: 'pops',
        connect: run.emails(load.agents),
        lineOwner: run.lineOwner,
        plan: run.plan(load.agents, load.callsPerSecond, load.seconds),
        graceMs: 10_000,
      });
      const onA1 = await metrics(cluster.a.url);
      const localRow = popRow(names.onLeader, local, { p50: Number.POSITIVE_INFINITY, p99: 10 });
      rows.push({
        ...localRow,
        goal: 'none (tells the hop from ingestion)',
        met: null,
        notes:
          `sockets on A (the B ones stay open); ${localRow.notes}; ${leaderNote(onA0, onA1)}; ` +
          `${hopNote([onA0, onA1], 'A', [onA0, onA1])}; load average ${load1()}`,
      });
    } finally {
      await onA.close();
    }

    await leadsAfter(cluster.a.url, epochNow(), 15_000).catch(() => undefined);
    // Takeover: calls flow, A is killed once the simulator has placed a second of them.
    // The simulator's count still shows the last run's calls until this run's traffic starts (it resets then).
    const flowing = pops(takeoverSeconds, true);
    const deadline = performance.now() + 60_000;
    let restarted = false;
    while (performance.now() < deadline) {
      const traffic = (await (await fetch(`${run.sim.url}/_sim/traffic`)).json()) as { placed: number };
      restarted ||= traffic.placed < load.callsPerSecond;
      if (restarted && traffic.placed >= load.callsPerSecond) {
        break;
      }
      await sleep(50);
    }
    // Under overload A can miss a lease renewal and step down (the path row's notes say so): the kill is timed
    // from a state where A leads, or the row says it did not.
    const aLed = await leading(cluster.a.url);
    const bLed = await leading(cluster.b.url);
    const killedAt = epochNow();
    cluster.a.process.kill('SIGKILL');
    const leaderMs = await leadsAfter(cluster.b.url, killedAt, 30_000).catch(() => Number.NaN);
    const report = await flowing;
    const after = (report.timeline ?? []).filter(([ring]) => ring > killedAt);
    const firstCard = Math.min(...after.map(([, card]) => card ?? Number.POSITIVE_INFINITY));
    const firstCardMs = firstCard - killedAt;
    const lostAfter = after.filter(([, card]) => card === null).length;
    const s = report.summary;
    rows.push({
      name: names.takeover,
      figure:
        `B leads ${ms(leaderMs)} ms after kill -9 of A, first card of a later call on B at ` +
        `${ms(firstCardMs)} ms; ${s.lost} lost, ${s.wrongAgent} wrong`,
      goal: 'both ≤ 5000 ms, 0 wrong',
      met: aLed && !bLed && leaderMs <= 5_000 && firstCardMs <= 5_000 && s.wrongAgent === 0,
      p50Ms: null,
      p99Ms: Number.isFinite(firstCardMs) ? firstCardMs : null,
      opsPerSecond: report.placed / report.placingSeconds,
      notes:
        `${count(report.placed)} calls at ${load.callsPerSecond}/s over ${takeoverSeconds} s, A killed after ` +
        `${count(load.callsPerSecond)} placed; ${count(after.length)} cards expected for calls ringing after ` +
        `the kill, ${count(lostAfter)} of them lost; at the kill A led: ${aLed}, B led: ${bLed}; ` +
        `${count(s.delivered)}/${count(s.expected)} cards in all; load average ${load1()}`,
    });
  } finally {
    await cluster.close();
  }
  return rows;
}
