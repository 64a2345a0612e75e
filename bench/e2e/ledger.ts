// The pop ledger of a load run: when each agent's line rang (the bare notification-channel client's arrival of
// that frame) and when each agent's client got the card, both on the load client's clock. Added latency =
// card arrival − ring-frame arrival; a rung line whose connected agent got no card is lost; a card to an agent
// none of whose lines rang for that call went to the wrong agent.

/** Samples sorted ascending → the p-th percentile (nearest rank), NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((sorted.length * p) / 100) - 1))]!;
}

export interface LedgerSummary {
  /** (call, agent) pairs whose line rang while the agent was connected: cards expected. */
  readonly expected: number;
  readonly delivered: number;
  readonly lost: number;
  /** Cards to an agent none of whose lines rang for that call. */
  readonly wrongAgent: number;
  /** Cards for a call the baseline never saw ring (should be 0: the baseline sees every frame). */
  readonly unmatched: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** p99 of added latency per window of `windowMs` from the first ring (ring time decides the window). */
  readonly windowP99Ms: readonly number[];
}

export class PopLedger {
  /** call key → line id → first arrival of a frame in which that line rings. */
  private readonly rings = new Map<string, Map<string, number>>();
  /** call key → agent → first card arrival. */
  private readonly cards = new Map<string, Map<string, number>>();
  private firstRing = Number.POSITIVE_INFINITY;

  /** A call-state frame in which `lineId` rings for the call `callKey`, arrived at `at` ms. */
  ring(callKey: string, lineId: string, at: number): void {
    const lines = this.rings.get(callKey) ?? new Map<string, number>();
    if (!lines.has(lineId)) {
      lines.set(lineId, at);
      this.firstRing = Math.min(this.firstRing, at);
    }
    this.rings.set(callKey, lines);
  }

  /** A card for `callKey` arrived on `agent`'s socket at `at` ms (later updates of that card are ignored). */
  card(callKey: string, agent: string, at: number): void {
    const agents = this.cards.get(callKey) ?? new Map<string, number>();
    if (!agents.has(agent)) {
      agents.set(agent, at);
    }
    this.cards.set(callKey, agents);
  }

  /** Calls in which at least one line rang. */
  get callsRung(): number {
    return this.rings.size;
  }

  get ringCount(): number {
    let n = 0;
    for (const lines of this.rings.values()) {
      n += lines.size;
    }
    return n;
  }

  /** Cards still missing for connected agents whose line rang (to know when to stop waiting). */
  missing(ownerOf: (lineId: string) => string | undefined, connected: ReadonlySet<string>): number {
    let missing = 0;
    for (const [callKey, lines] of this.rings) {
      for (const lineId of lines.keys()) {
        const agent = ownerOf(lineId);
        if (agent !== undefined && connected.has(agent) && this.cards.get(callKey)?.has(agent) !== true) {
          missing += 1;
        }
      }
    }
    return missing;
  }

  /** [ring, card or null when lost] of every expected card (a connected agent's line rang), in ring order. */
  pairs(
    ownerOf: (lineId: string) => string | undefined,
    connected: ReadonlySet<string>,
  ): [number, number | null][] {
    const out: [number, number | null][] = [];
    for (const [callKey, lines] of this.rings) {
      for (const [lineId, rang] of lines) {
        const agent = ownerOf(lineId);
        if (agent !== undefined && connected.has(agent)) {
          out.push([rang, this.cards.get(callKey)?.get(agent) ?? null]);
        }
      }
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  summarize(
    ownerOf: (lineId: string) => string | undefined,
    connected: ReadonlySet<string>,
    windowMs = 10_000,
  ): LedgerSummary {
    const samples: number[] = [];
    const windows: number[][] = [];
    let expected = 0;
    let lost = 0;
    for (const [callKey, lines] of this.rings) {
      const cards = this.cards.get(callKey);
      for (const [lineId, rang] of lines) {
        const agent = ownerOf(lineId);
        if (agent === undefined || !connected.has(agent)) {
          continue;
        }
        expected += 1;
        const got = cards?.get(agent);
        if (got === undefined) {
          lost += 1;
          continue;
        }
        const added = got - rang;
        samples.push(added);
        const w = Math.floor((rang - this.firstRing) / windowMs);
        (windows[w] ??= []).push(added);
      }
    }
    let wrongAgent = 0;
    let unmatched = 0;
    for (const [callKey, agents] of this.cards) {
      const lines = this.rings.get(callKey);
      if (lines === undefined) {
        unmatched += agents.size;
        continue;
      }
      const rungAgents = new Set([...lines.keys()].map(ownerOf));
      for (const agent of agents.keys()) {
        wrongAgent += rungAgents.has(agent) ? 0 : 1;
      }
    }
    samples.sort((a, b) => a - b);
    return {
      expected,
      delivered: samples.length,
      lost,
      wrongAgent,
      unmatched,
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
      maxMs: samples[samples.length - 1] ?? Number.NaN,
      windowP99Ms: Array.from(windows, (w) =>
        percentile(
          (w ?? []).sort((a, b) => a - b),
          99,
        ),
      ),
    };
  }
}
