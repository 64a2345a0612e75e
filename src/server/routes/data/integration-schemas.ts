// zod schemas of the responses of the integration and diagnosis routes (webhooks, CRM log, traces, providers), for
// the OpenAPI document (openapi.ts). Those routes build their answers from the shared types; the check at the end
// fails to compile when a schema and its type drift apart.
import { z } from 'zod';
import type { CrmLogStatus } from '../../../shared/api.ts';
import type {
  CallLoggingHealth,
  CallTraceView,
  ProviderHealth,
  TraceSearchHit,
  TraceStep,
  WebhookAttemptRecord,
  WebhookEndpointStatus,
} from '../../../shared/trace.ts';
import { callLogEntrySchema } from './schemas.ts';
import type { Mutable, Same } from './schemas.ts';

const ms = z.number().describe('epoch ms');
const phase = z.enum(['ringing', 'connected', 'ended']);

export const webhookEndpointStatusSchema = z
  .strictObject({
    name: z.string(),
    url: z.string().describe('scheme, host and path (never the query, never the secret)'),
    events: z.array(z.string()),
    failing: z.boolean(),
    paused: z.boolean(),
    failingSince: ms.nullable(),
    pausedUntil: ms.nullable(),
    lastAttemptAt: ms.nullable(),
    lastStatus: z.number().int().nullable(),
    lastSuccessAt: ms.nullable(),
    pending: z.number().int(),
    dead: z.number().int(),
  })
  .meta({ id: 'WebhookEndpointStatus' });
export const webhookEndpointListSchema = z
  .strictObject({ endpoints: z.array(webhookEndpointStatusSchema) })
  .meta({ id: 'WebhookEndpointList' });

export const webhookAttemptSchema = z
  .strictObject({
    endpoint: z.string(),
    eventId: z.string(),
    callId: z.string(),
    type: z.string(),
    attempt: z.number().int(),
    at: ms,
    status: z.number().int().nullable(),
    ok: z.boolean(),
    durationMs: z.number(),
    error: z.string().nullable(),
  })
  .meta({ id: 'WebhookAttempt' });
export const webhookAttemptListSchema = z
  .strictObject({ items: z.array(webhookAttemptSchema) })
  .meta({ id: 'WebhookAttemptList' });

export const crmLogStatusSchema = z
  .strictObject({
    provider: z.string(),
    status: z.enum(['pending', 'logged', 'failed']),
    error: z.string().nullable(),
    url: z.string().nullable(),
    attempts: z.number().int(),
    updatedAt: ms,
  })
  .meta({ id: 'CrmLogStatus' });
export const crmLogStatusListSchema = z
  .strictObject({ items: z.array(crmLogStatusSchema) })
  .meta({ id: 'CrmLogStatusList' });
export const crmLogPageSchema = z
  .strictObject({ items: z.array(z.strictObject({ callId: z.string(), crm: z.array(crmLogStatusSchema) })) })
  .meta({ id: 'CrmLogPage' });

export const callLoggingHealthSchema = z
  .strictObject({
    failing: z.boolean(),
    paused: z.boolean(),
    failingSince: ms.nullable(),
    pausedUntil: ms.nullable(),
    lastAttemptAt: ms.nullable(),
    lastStatus: z.number().int().nullable(),
    lastSuccessAt: ms.nullable(),
    lastError: z.string().nullable(),
    pending: z.number().int(),
    dead: z.number().int(),
    last24h: z.strictObject({ logged: z.number().int(), failed: z.number().int(), pending: z.number().int() }),
  })
  .meta({ id: 'CallLoggingHealth' });
export const providerHealthSchema = z
  .strictObject({
    name: z.string(),
    type: z.string(),
    lastSuccessAt: ms.nullable(),
    lastErrorAt: ms.nullable(),
    lastError: z.string().nullable(),
    latencyMs: z.strictObject({ last: z.number().nullable(), p50: z.number().nullable(), p95: z.number().nullable() }),
    requestsLastHour: z.number().int(),
    failuresLastHour: z.number().int(),
    callLogging: callLoggingHealthSchema.nullable(),
  })
  .meta({ id: 'ProviderHealth' });
export const providerListSchema = z
  .strictObject({ providers: z.array(providerHealthSchema) })
  .meta({ id: 'ProviderList' });

export const traceSearchHitSchema = z
  .strictObject({
    callId: z.string(),
    startedAt: ms,
    callerE164: z.string().nullable(),
    callerRaw: z.string(),
    callerName: z.string().nullable(),
    lineIds: z.array(z.string()),
    phase,
    outcome: z.enum(['answered', 'missed', 'abandoned']).nullable(),
    traced: z.boolean(),
    logged: z.boolean(),
  })
  .meta({ id: 'TraceSearchHit' });
export const traceSearchListSchema = z
  .strictObject({ items: z.array(traceSearchHitSchema) })
  .meta({ id: 'TraceSearchList' });

const lineRoute = z.strictObject({
  lineId: z.string(),
  extension: z.string().nullable(),
  name: z.string().nullable(),
  agents: z.array(z.string()),
  excludedBy: z.array(z.string()),
});
const traceSource = z.strictObject({
  name: z.string(),
  state: z.enum(['pending', 'done', 'cached', 'stale', 'failed']),
  error: z.string().nullable(),
});
export const traceStepSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      at: ms,
      kind: z.literal('event'),
      verdict: z.enum(['applied', 'no-change', 'duplicate', 'older', 'after-end']),
      source: z.enum(['call-events', 'realtime']),
      summary: z.string(),
      legs: z.array(z.strictObject({ line: z.string(), state: z.string() })),
      blind: z.boolean(),
      ending: z.boolean(),
    }),
    z.strictObject({
      at: ms,
      kind: z.literal('transition'),
      version: z.number().int(),
      phase,
      reasons: z.array(z.string()),
    }),
    z.strictObject({ at: ms, kind: z.literal('recovery'), reason: z.string() }),
    z.strictObject({ at: ms, kind: z.literal('note'), message: z.string() }),
    z.strictObject({ at: ms, kind: z.literal('log'), message: z.string() }),
    z.strictObject({ at: ms, kind: z.literal('route'), lines: z.array(lineRoute) }),
    z.strictObject({
      at: ms,
      kind: z.literal('card'),
      version: z.number().int(),
      phase,
      reason: z.string(),
      recipients: z.array(z.string()),
      more: z.number().int(),
      notOpen: z.array(z.string()),
    }),
    z.strictObject({
      at: ms,
      kind: z.literal('lookup'),
      status: z.enum(['pending', 'done', 'partial']),
      matched: z.strictObject({ name: z.string(), source: z.string(), how: z.string() }).nullable(),
      unknownReason: z.string().nullable(),
      sources: z.array(traceSource),
      ms: z.number(),
    }),
  ])
  .meta({ id: 'TraceStep' });
export const callTraceViewSchema = z
  .strictObject({
    callId: z.string(),
    trace: z.strictObject({ steps: z.array(traceStepSchema), dropped: z.number().int() }).nullable(),
    retentionMs: z.number().int(),
    logged: callLogEntrySchema.nullable(),
  })
  .meta({ id: 'CallTraceView' });

/** The response schemas with an id, for the document's components. */
export const integrationSchemas = [
  webhookEndpointListSchema,
  webhookEndpointStatusSchema,
  webhookAttemptListSchema,
  webhookAttemptSchema,
  crmLogStatusSchema,
  crmLogStatusListSchema,
  crmLogPageSchema,
  callLoggingHealthSchema,
  providerHealthSchema,
  providerListSchema,
  traceSearchHitSchema,
  traceSearchListSchema,
  traceStepSchema,
  callTraceViewSchema,
];

export const integrationSchemasMatchSharedTypes: [
  Same<Mutable<WebhookEndpointStatus>, z.output<typeof webhookEndpointStatusSchema>>,
  Same<Mutable<WebhookAttemptRecord>, z.output<typeof webhookAttemptSchema>>,
  Same<Mutable<CrmLogStatus>, z.output<typeof crmLogStatusSchema>>,
  Same<Mutable<CallLoggingHealth>, z.output<typeof callLoggingHealthSchema>>,
  Same<Mutable<ProviderHealth>, z.output<typeof providerHealthSchema>>,
  Same<Mutable<TraceSearchHit>, z.output<typeof traceSearchHitSchema>>,
  Same<Mutable<TraceStep>, z.output<typeof traceStepSchema>>,
  Same<Mutable<CallTraceView>, z.output<typeof callTraceViewSchema>>,
] = [true, true, true, true, true, true, true, true];
