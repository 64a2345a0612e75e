// The per-call trace as the browser reads it ("why did no card show?") and the integrations health records:
// GET /api/traces?q=, GET /api/traces/:id, GET /api/providers (server/routes/traces.ts, providers.ts).
import type { CallLogEntry } from './api.ts';

/** One line that joined a call, and who pops on it: the "who got the card, and why not" record. */
export interface TraceLineRoute {
  readonly lineId: string;
  readonly extension: string | null;
  readonly name: string | null;
  /** Agents whose pop lines include this line (they get the card). */
  readonly agents: readonly string[];
  /** Agents who have the line in GoTo but left it out of their pop lines settings. */
  readonly excludedBy: readonly string[];
}

/** How one lookup source fared for the call. */
export interface TraceSource {
  readonly name: string;
  readonly state: 'pending' | 'done' | 'cached' | 'stale' | 'failed';
  readonly error: string | null;
}

/** One step of a call's trace, oldest first; every kind carries its time (epoch ms). */
export type TraceStep =
  | {
      readonly at: number;
      readonly kind: 'event';
      /** What the tracker did with the frame. */
      readonly verdict: 'applied' | 'no-change' | 'duplicate' | 'older' | 'after-end';
      readonly source: 'call-events' | 'realtime';
      /** The raw frame in one line ("snapshot seq 8 ACTIVE inbound [2102:ringing] (id n1)"). */
      readonly summary: string;
      /** The lines the frame named and their state. */
      readonly legs: readonly { readonly line: string; readonly state: string }[];
      /** A state read back after the socket was down (not a frame): what happened meanwhile is unknown. */
      readonly blind: boolean;
      /** A Call Events ENDING state (no legs because the call is over, not because no line rings yet). */
      readonly ending: boolean;
    }
  | {
      readonly at: number;
      readonly kind: 'transition';
      readonly version: number;
      readonly phase: 'ringing' | 'connected' | 'ended';
      readonly reasons: readonly string[];
    }
  | { readonly at: number; readonly kind: 'recovery'; readonly reason: string }
  | { readonly at: number; readonly kind: 'note'; readonly message: string }
  | { readonly at: number; readonly kind: 'log'; readonly message: string }
  | { readonly at: number; readonly kind: 'route'; readonly lines: readonly TraceLineRoute[] }
  | {
      readonly at: number;
      readonly kind: 'card';
      readonly version: number;
      readonly phase: 'ringing' | 'connected' | 'ended';
      /** Why it was sent ("snapshot", "lookup:done", "agent-changed"...). */
      readonly reason: string;
      /** The first recipients (agents and supervisors), sorted; `more` counts the rest. */
      readonly recipients: readonly string[];
      readonly more: number;
      /** Recipients with no screenpop tab open at the time (the first few): the card waited for them. */
      readonly notOpen: readonly string[];
    }
  | {
      readonly at: number;
      readonly kind: 'lookup';
      /** pending: sources still answering (first answer at the budget); done; partial: some failed. */
      readonly status: 'pending' | 'done' | 'partial';
      /** The card's top match: contact name, the source that found it and how. */
      readonly matched: { readonly name: string; readonly source: string; readonly how: string } | null;
      readonly unknownReason: string | null;
      readonly sources: readonly TraceSource[];
      /** ms from the call's lookup start to this answer. */
      readonly ms: number;
    };

/** A step pops or the lookup adds to a call's trace; the tracker stamps the time. */
export type TraceAnnotation = {
  [K in 'route' | 'card' | 'lookup']: Omit<Extract<TraceStep, { kind: K }>, 'at'>;
}['route' | 'card' | 'lookup'];

/** GET /api/traces/:id: the in-memory trace when it is still held, and what the call log knows. */
export interface CallTraceView {
  readonly callId: string;
  /** Null when this instance holds no trace of the call (older than its retention, or another instance). */
  readonly trace: { readonly steps: readonly TraceStep[]; readonly dropped: number } | null;
  /** How long traces are kept, ms, to say so when it is gone. */
  readonly retentionMs: number;
  /** The call's row in the call log; null while it is live, or when it never reached the log. */
  readonly logged: CallLogEntry | null;
}

/** One call found by GET /api/traces?q=<number or call id>. */
export interface TraceSearchHit {
  readonly callId: string;
  readonly startedAt: number;
  readonly callerE164: string | null;
  readonly callerRaw: string;
  readonly callerName: string | null;
  readonly lineIds: readonly string[];
  readonly phase: 'ringing' | 'connected' | 'ended';
  readonly outcome: 'answered' | 'missed' | 'abandoned' | null;
  /** This instance still holds the call's trace. */
  readonly traced: boolean;
  /** The call is in the call log. */
  readonly logged: boolean;
}

/** GET /api/providers (supervisors only): how each lookup provider fares. */
export interface ProviderHealth {
  readonly name: string;
  /** The provider kind ("http", "hubspot"...). */
  readonly type: string;
  readonly lastSuccessAt: number | null;
  readonly lastErrorAt: number | null;
  readonly lastError: string | null;
  /** Request times of the recent requests (the last 200), ms; null before the first. */
  readonly latencyMs: {
    readonly last: number | null;
    readonly p50: number | null;
    readonly p95: number | null;
  };
  /** Requests sent in the last hour (cache hits send none), and how many of them failed. */
  readonly requestsLastHour: number;
  readonly failuresLastHour: number;
  /** CRM call-logging health, where the provider writes calls back (kind with a writer); null when it does not. */
  readonly callLogging: CallLoggingHealth | null;
}

/**
 * One CRM's call logging: the health of its outbox endpoint "crm:<provider>" (as for a webhook endpoint) and what
 * happened to the call records of the last 24 hours.
 */
export interface CallLoggingHealth {
  readonly failing: boolean;
  readonly paused: boolean;
  readonly failingSince: number | null;
  readonly pausedUntil: number | null;
  readonly lastAttemptAt: number | null;
  /** The CRM's HTTP status of the last attempt; null when it did not answer. */
  readonly lastStatus: number | null;
  readonly lastSuccessAt: number | null;
  /** The last attempt's error, when the last attempt failed. */
  readonly lastError: string | null;
  /** Writes waiting in the outbox, and writes given up on. */
  readonly pending: number;
  readonly dead: number;
  /** Call records by state, among those touched in the last 24 hours. */
  readonly last24h: { readonly logged: number; readonly failed: number; readonly pending: number };
}

/** GET /api/webhooks (supervisors only): one endpoint's health, as src/webhooks reports it (never its secret). */
export interface WebhookEndpointStatus {
  readonly name: string;
  /** Scheme, host and path. */
  readonly url: string;
  readonly events: readonly string[];
  readonly failing: boolean;
  readonly paused: boolean;
  readonly failingSince: number | null;
  readonly pausedUntil: number | null;
  readonly lastAttemptAt: number | null;
  readonly lastStatus: number | null;
  readonly lastSuccessAt: number | null;
  readonly pending: number;
  readonly dead: number;
}

/** GET /api/webhooks/attempts (supervisors only): one delivery attempt, newest first. */
export interface WebhookAttemptRecord {
  readonly endpoint: string;
  readonly eventId: string;
  readonly callId: string;
  readonly type: string;
  readonly attempt: number;
  readonly at: number;
  readonly status: number | null;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly error: string | null;
}
