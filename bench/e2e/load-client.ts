// The load-client process: signs agents in, holds their push sockets and the baseline channel, starts the
// simulator's traffic plan and keeps the ledger, all on one clock. Driven over IPC by bench/e2e/scenarios.ts.
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { openBaseline } from './baseline.ts';
import { openPush, pool, signIn } from './agents.ts';
import { PopLedger, percentile } from './ledger.ts';
import type { LedgerSummary } from './ledger.ts';

export interface LoadClientSetup {
  readonly screenpopUrl: string;
  readonly simUrl: string;
  readonly pat: string;
  readonly client: { readonly clientId: string; readonly clientSecret: string };
  readonly accountKey: string;
}

export interface TrafficPlan {
  readonly callsPerSecond: number;
  readonly calls: number;
  readonly to: readonly string[];
  readonly from: readonly string[];
  readonly answerAfterMs: number;
  readonly talkMs: number;
}

export type LoadCommand =
  | { readonly cmd: 'signIn'; readonly emails: readonly string[]; readonly concurrency: number }
  | {
      readonly cmd: 'pops';
      readonly connect: readonly string[];
      /** line id → the email of its agent. */
      readonly lineOwner: Readonly<Record<string, string>>;
      readonly plan: TrafficPlan;
      readonly graceMs: number;
      /** Also report every delivered card's ring and card arrival in epoch ms (the takeover row's timeline). */
      readonly timeline?: boolean;
    }
  | { readonly cmd: 'retarget'; readonly screenpopUrl: string }
  | { readonly cmd: 'close' };

export interface SignInReport {
  readonly kind: 'signIn';
  readonly count: number;
  readonly failures: number;
  readonly firstError: string | null;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly simulatorP50Ms: number;
  readonly simulatorP99Ms: number;
}

export interface PopsReport {
  readonly kind: 'pops';
  readonly summary: LedgerSummary;
  readonly sockets: number;
  readonly connectSeconds: number;
  readonly placed: number;
  /** From the traffic request to the simulator reporting every call placed: the rate actually offered. */
  readonly placingSeconds: number;
  readonly trafficSeconds: number;
  readonly cardMessages: number;
  /** (call, line) rings the baseline saw for this run's calls. */
  readonly rings: number;
  /**
   * When asked for: [ring, card or null when lost] per expected card, in epoch ms (performance.timeOrigin +
   * now), comparable with another process's clock on the same machine to about a millisecond.
   */
  readonly timeline?: readonly (readonly [number, number | null])[];
}

export type LoadReply =
  SignInReport | PopsReport | { readonly kind: 'ok' } | { readonly kind: 'error'; readonly message: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function simJson(url: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const result = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) {
    throw new Error(`${url}: ${response.status} ${JSON.stringify(result)}`);
  }
  return result;
}

export class LoadClient {
  private readonly sessions = new Map<string, string>();
  private readonly sockets = new Map<string, WebSocket>();
  private ledger = new PopLedger();
  /** Callers of the current run: frames and cards of an earlier run's calls still ending are not counted. */
  private callers: ReadonlySet<string> = new Set();
  private cardMessages = 0;

  constructor(private setup: LoadClientSetup) {}

  retarget(screenpopUrl: string): void {
    this.closeSockets();
    this.sessions.clear();
    this.setup = { ...this.setup, screenpopUrl };
  }

  async signIn(emails: readonly string[], concurrency: number): Promise<SignInReport> {
    const started = performance.now();
    let failures = 0;
    let firstError: string | null = null;
    const timings = await pool(emails, concurrency, async (email) => {
      try {
        const result = await signIn(this.setup.screenpopUrl, email);
        this.sessions.set(email, result.session);
        return result;
      } catch (error) {
        failures += 1;
        firstError ??= String(error);
        return null;
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const ok = timings.filter((t) => t !== null);
    const total = ok.map((t) => t.totalMs).sort((a, b) => a - b);
    const sim = ok.map((t) => t.simulatorMs).sort((a, b) => a - b);
    return {
      kind: 'signIn',
      count: ok.length,
      failures,
      firstError,
      seconds,
      p50Ms: percentile(total, 50),
      p99Ms: percentile(total, 99),
      simulatorP50Ms: percentile(sim, 50),
      simulatorP99Ms: percentile(sim, 99),
    };
  }

  private async connect(emails: readonly string[]): Promise<void> {
    const missing = emails.filter((email) => !this.sockets.has(email));
    await pool(missing, 64, async (email) => {
      const session = this.sessions.get(email);
      if (session === undefined) {
        throw new Error(`${email} has no session: sign in first`);
      }
      const socket = await openPush(this.setup.screenpopUrl, session, (caller, at) => {
        this.cardMessages += 1;
        if (this.callers.has(caller)) {
          this.ledger.card(caller, email, at);
        }
      });
      socket.on('close', () => this.sockets.delete(email));
      this.sockets.set(email, socket);
    });
  }

  async pops(command: Extract<LoadCommand, { cmd: 'pops' }>): Promise<PopsReport> {
    const connectStarted = performance.now();
    await this.connect(command.connect);
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const connected = new Set(command.connect.filter((email) => this.sockets.has(email)));
    const ownerOf = (lineId: string) => command.lineOwner[lineId];
    const { plan } = command;
    this.ledger = new PopLedger();
    this.callers = new Set(plan.from);
    this.cardMessages = 0;
    const ledger = this.ledger;
    const callers = this.callers;
    const { simUrl, pat, client, accountKey } = this.setup;
    const baseline = await openBaseline(simUrl, pat, client, accountKey, (caller, lineId, at) => {
      if (callers.has(caller)) {
        ledger.ring(caller, lineId, at);
      }
    });
    const started = performance.now();
    let placed = 0;
    let placingSeconds: number;
    try {
      await simJson(`${simUrl}/_sim/traffic`, {
        callsPerSecond: plan.callsPerSecond,
        maxCalls: plan.calls,
        plan: {
          scenario: 'answered',
          to: plan.to,
          from: plan.from,
          answerAfterMs: plan.answerAfterMs,
          talkMs: plan.talkMs,
        },
      });
      const deadline = started + (plan.calls / plan.callsPerSecond) * 3_000 + 60_000;
      while (placed < plan.calls && performance.now() < deadline) {
        await sleep(100);
        placed = Number((await simJson(`${simUrl}/_sim/traffic`))['placed']);
      }
      placingSeconds = (performance.now() - started) / 1000;
      // The last calls ring a few hundred ms after they are placed (more on a busy simulator): wait, within
      // the grace, until every placed call has rung and every card still missing has come.
      const graceEnd = performance.now() + command.graceMs;
      await sleep(500);
      while (
        (ledger.callsRung < placed || ledger.missing(ownerOf, connected) > 0) &&
        performance.now() < graceEnd
      ) {
        await sleep(100);
      }
    } finally {
      await simJson(`${simUrl}/_sim/traffic`, { stop: true }).catch(() => undefined);
      await baseline.close().catch(() => undefined);
    }
    return {
      kind: 'pops',
      summary: ledger.summarize(ownerOf, connected),
      sockets: connected.size,
      connectSeconds,
      placed,
      placingSeconds,
      trafficSeconds: (performance.now() - started) / 1000,
      cardMessages: this.cardMessages,
      rings: ledger.ringCount,
      ...(command.timeline === true
        ? {
            timeline: ledger
              .pairs(ownerOf, connected)
              .map(([ring, card]) => [
                performance.timeOrigin + ring,
                card === null ? null : performance.timeOrigin + card,
              ]),
          }
        : {}),
    };
  }

  closeSockets(): void {
    for (const socket of this.sockets.values()) {
      socket.terminate();
    }
    this.sockets.clear();
  }
}

/** Runs in the child: one command at a time from the parent, one reply each. */
function serve(): void {
  const setup = JSON.parse(process.argv[2] ?? '{}') as LoadClientSetup;
  const client = new LoadClient(setup);
  let queue = Promise.resolve();
  process.on('message', (command: LoadCommand) => {
    queue = queue.then(async () => {
      try {
        switch (command.cmd) {
          case 'signIn':
            process.send?.(await client.signIn(command.emails, command.concurrency));
            return;
          case 'pops':
            process.send?.(await client.pops(command));
            return;
          case 'retarget':
            client.retarget(command.screenpopUrl);
            process.send?.({ kind: 'ok' } satisfies LoadReply);
            return;
          case 'close':
            client.closeSockets();
            process.disconnect?.();
            return;
        }
      } catch (error) {
        process.send?.({ kind: 'error', message: String(error) } satisfies LoadReply);
      }
    });
  });
}

if (process.send !== undefined) {
  serve();
}
