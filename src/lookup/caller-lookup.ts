// The caller-lookup service the card builder calls: store matches at once, providers within a time budget,
// later answers as updates; plus history, urgency and links.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../calls/ports.ts';
import { externalParty } from '../calls/external-party.ts';
import type { Call, Party } from '../calls/types.ts';
import { normalizePhone } from '../phone/phone.ts';
import type { NormalizedNumber, PhoneOptions } from '../phone/phone.ts';
import { DAY_MS, EMPTY_HISTORY, HISTORY_DAYS, previousCalls, summarizeHistory } from './history.ts';
import { fromE164 } from './e164-keys.ts';
import { fillLinks } from './links.ts';
import type { LinkTemplate } from './links.ts';
import { createStoreMatcher, unusableReason } from './matcher.ts';
import { mergeMatches } from './merge-matches.ts';
import type { StoreMatch } from './matcher.ts';
import type { CallHistory, CallLogStore, ContactStore, PinStore } from './ports.ts';
import type { LookupProvider } from './provider.ts';
import { ProviderRunner } from './provider-runner.ts';
import type { LookupLog, ProviderRun } from './provider-runner.ts';
import type { ProviderHealthRecord } from './provider-health.ts';
import type { LookupResult, SourceStatus } from './types.ts';
import { DEFAULT_URGENCY_RULES, evaluateUrgency } from './urgency.ts';
import type { UrgencyRule } from './urgency.ts';
import { LookupMetrics } from './lookup-metrics.ts';
import type { Registry } from 'prom-client';

export interface CallerLookupOptions {
  readonly contacts: Pick<ContactStore, 'findPhones' | 'getMany' | 'findContactsByPhone'>;
  readonly pins: Pick<PinStore, 'getPin'>;
  readonly callLog: Pick<CallLogStore, 'history'>;
  readonly providers?: readonly LookupProvider[];
  /** Providers slower than this update the card later (config lookup.budgetMs). */
  readonly budgetMs: number;
  readonly phone: PhoneOptions;
  readonly clock: Clock;
  readonly urgencyRules?: readonly UrgencyRule[];
  readonly linkTemplates?: readonly LinkTemplate[];
  /** Provider answers kept (per provider and number). */
  readonly cacheSize?: number;
  readonly log?: LookupLog;
  /** Metrics registered on the server's registry (default: a private one). */
  readonly registry?: Registry;
}

export type OnUpdate = (result: LookupResult) => void;

export interface CallerLookup {
  /** Looks up the call's external party; resolves within the budget, then calls onUpdate as late sources answer. */
  lookup(call: Call, onUpdate?: OnUpdate): Promise<LookupResult>;
  /** The same for a bare number (REST search, benchmarks). */
  lookupNumber(raw: string, onUpdate?: OnUpdate, callId?: string): Promise<LookupResult>;
  /** How each provider fares (last success and error, request times, requests in the last hour). */
  providerHealth(): ProviderHealthRecord[];
  /** Cancels provider requests in flight. */
  close(): void;
}

export { externalParty } from '../calls/external-party.ts';

interface Gathered {
  readonly n: NormalizedNumber;
  readonly callId: string | null;
  readonly now: number;
  readonly store: StoreMatch;
  readonly storeStatus: SourceStatus;
  readonly history: CallHistory | null;
  readonly runs: readonly ProviderRun[];
}

const NO_HISTORY: CallHistory = { last: null, count: 0, recent: [] };

export function createCallerLookup(options: CallerLookupOptions): CallerLookup {
  const rules = options.urgencyRules ?? DEFAULT_URGENCY_RULES;
  const templates = options.linkTemplates ?? [];
  const matcher = createStoreMatcher(options.contacts, options.pins, options.phone.suffixDigits);
  const runner = new ProviderRunner(
    options.providers ?? [],
    options.clock,
    options.cacheSize ?? 5000,
    options.log ?? null,
  );
  const metrics = new LookupMetrics(options.registry);
  const historyLimit = Math.max(20, ...rules.map((r) => (r.kind === 'repeat-calls' ? r.calls : 0)));

  function normalize(party: Party): NormalizedNumber {
    if (party.withheld || party.extension !== null) {
      const base = normalizePhone('', options.phone);
      return {
        ...base,
        withheld: party.withheld,
        extension: party.withheld ? null : party.extension,
        raw: party.raw,
      };
    }
    // goto/ already validated party.e164: splitting it is ~100× cheaper than parsing it again.
    const fast = party.e164 === null ? null : fromE164(party.e164, party.raw, options.phone.suffixDigits);
    return fast ?? { ...normalizePhone(party.e164 ?? party.raw, options.phone), raw: party.raw };
  }

  function build(g: Gathered): LookupResult {
    const reason = unusableReason(g.n);
    const matches = mergeMatches(g.store, g.runs);
    const pending = g.runs.some((r) => r.status.state === 'pending');
    const failed = g.storeStatus.state === 'failed' || g.runs.some((r) => r.status.state === 'failed');
    const status = pending ? 'pending' : failed ? 'partial' : 'done';
    const top = matches[0] ?? null;
    const previous = g.history === null ? [] : previousCalls(g.history, g.callId ?? '');
    const e164 = g.n.e164;
    return {
      number: { raw: g.n.raw, e164, national: e164 === null ? null : g.n.national },
      status: reason !== null ? 'done' : status,
      matches,
      unknownReason: reason ?? (matches.length === 0 && !pending ? 'no match' : null),
      history: g.history === null ? EMPTY_HISTORY : summarizeHistory(g.history, g.callId ?? ''),
      urgency:
        reason !== null
          ? { level: 'none', reason: null }
          : evaluateUrgency(rules, { now: g.now, previous, contact: top?.contact ?? null }),
      links: fillLinks(templates, {
        e164,
        national: e164 === null ? null : g.n.national,
        contactId: top?.contact.id ?? null,
        externalId: top?.contact.externalId ?? null,
        callId: g.callId,
      }),
      sources: reason !== null ? [] : [g.storeStatus, ...g.runs.map((r) => r.status)],
    };
  }

  /** Store matches and history (always awaited: they answer in µs), providers started alongside. */
  async function gather(base: Gathered, e164: string): Promise<Gathered> {
    const { n, callId } = base;
    const runs = runner.start({ e164, national: n.national, raw: n.raw }, callId);
    const [store, history] = await Promise.all([
      matcher.match(n).then(
        (m) => ({ m, error: null }),
        (error: unknown) => ({ m: base.store, error }),
      ),
      options.callLog
        .history(e164, base.now - HISTORY_DAYS * DAY_MS, historyLimit)
        .catch((error: unknown) => {
          options.log?.warn({ callId, error: String(error) }, 'call history lookup failed');
          return NO_HISTORY;
        }),
    ]);
    if (store.error !== null) {
      options.log?.warn({ callId, error: String(store.error) }, 'store lookup failed');
    }
    const failed: SourceStatus = { name: 'store', state: 'failed', error: 'store error' };
    return {
      ...base,
      store: store.m,
      storeStatus: store.error === null ? base.storeStatus : failed,
      history,
      runs,
    };
  }

  /** Each provider that answers after the budget sends the fuller result (all answers so far). */
  function updateLater(g: Gathered, onUpdate: OnUpdate | undefined): void {
    for (const r of g.runs.filter((run) => run.status.state === 'pending')) {
      void r.settled.then(() => {
        metrics.lateAnswer(r.status);
        try {
          onUpdate?.(build(g));
        } catch (error) {
          // A throwing listener must not become an unhandled rejection that takes the process down.
          options.log?.warn({ callId: g.callId, error: String(error) }, 'lookup update listener failed');
        }
      });
    }
  }

  async function run(n: NormalizedNumber, callId: string | null, onUpdate?: OnUpdate): Promise<LookupResult> {
    const started = performance.now();
    const base: Gathered = {
      n,
      callId,
      now: options.clock.now(),
      store: { matches: [], pin: null },
      storeStatus: { name: 'store', state: 'done', error: null },
      history: null,
      runs: [],
    };
    const result = unusableReason(n) !== null || n.e164 === null ? build(base) : await answer(base, n.e164);
    metrics.firstAnswer(result, (performance.now() - started) / 1000);
    return result;

    async function answer(b: Gathered, e164: string): Promise<LookupResult> {
      const gathered = await gather(b, e164);
      await withinBudget(
        gathered.runs.map((r) => r.settled),
        options.budgetMs - (performance.now() - started),
      );
      updateLater(gathered, onUpdate);
      return build(gathered);
    }
  }

  return {
    lookup: (call, onUpdate) => run(normalize(externalParty(call)), call.id, onUpdate),
    lookupNumber: (raw, onUpdate, callId) =>
      run(normalizePhone(raw, options.phone), callId ?? null, onUpdate),
    providerHealth: () => runner.health.snapshot(),
    close: () => runner.close(),
  };
}

/** Resolves when every promise settled or the time is up, whichever is first; leaves no timer behind. */
async function withinBudget(promises: readonly Promise<void>[], remainingMs: number): Promise<void> {
  if (promises.length === 0) {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, remainingMs));
  });
  await Promise.race([Promise.all(promises), timeout]);
  clearTimeout(timer);
}
