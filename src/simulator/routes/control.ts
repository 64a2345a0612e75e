// The control API under /_sim (no auth, JSON): health, directory, calls, faults, traffic. Used by tests, demo and CLI.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SimContext, SimFaults, TelephonyHandle } from '../context.ts';
import type { TokenStore } from '../oauth/token-store.ts';

const rate = z.number().min(0).max(1);

const faultsBody = z.strictObject({
  reset: z.literal(true).optional(),
  drop: rate.optional(),
  duplicate: rate.optional(),
  reorder: rate.optional(),
  http429: rate.optional(),
  http5xx: rate.optional(),
  channelLifetimeSeconds: z.number().int().min(1).nullable().optional(),
  keepalives: z.boolean().optional(),
  closeSockets: z.boolean().optional(),
  expireTokens: z.boolean().optional(),
});

const trafficBody = z.union([
  z.strictObject({ stop: z.literal(true) }),
  z.strictObject({
    callsPerSecond: z.number().positive().max(1000),
    maxCalls: z.number().int().positive().optional(),
    plan: z
      .strictObject({
        scenario: z.enum(['answered', 'missed']),
        to: z.array(z.string().min(1).max(40)).min(1).max(1_000_000),
        from: z.array(z.string().min(1).max(40)).min(1).max(1_000_000),
        callerName: z.string().max(60).optional(),
        answerAfterMs: z.number().int().min(0).max(86_400_000),
        talkMs: z.number().int().min(0).max(86_400_000),
      })
      .optional(),
  }),
]);

export const DEFAULT_FAULTS: Readonly<SimFaults> = Object.freeze({
  drop: 0,
  duplicate: 0,
  reorder: 0,
  http429: 0,
  http5xx: 0,
  channelLifetimeSeconds: null,
  keepalives: true,
});

export interface ControlRouteOptions {
  readonly telephony: () => TelephonyHandle;
  readonly tokens: TokenStore;
  readonly startedAt: number;
}

function badRequest(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const problems = error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  return reply.code(400).send({ error: 'invalid_body', message: problems.join('; ') });
}

/**
 * POST bodies must be JSON: a form or text/plain POST is a "simple" request a page on any origin can send without a
 * preflight, and the control API has no auth to stop it.
 */
async function jsonOnly(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    await reply
      .code(415)
      .send({ error: 'unsupported_media_type', message: 'send the body as application/json' });
  }
}

export function registerControlRoutes(
  app: FastifyInstance,
  ctx: SimContext,
  options: ControlRouteOptions,
): void {
  app.get('/_sim/health', async () => ({
    ok: true,
    now: new Date(ctx.clock.now()).toISOString(),
    timeScale: ctx.clock.scale,
    uptimeSeconds: Math.round((Date.now() - options.startedAt) / 1000),
  }));

  app.get('/_sim/directory', async () => ctx.directory);

  app.post('/_sim/calls', { onRequest: jsonOnly }, async (request, reply) => {
    try {
      const started = await options.telephony().placeCall(request.body ?? {});
      return reply.code(201).send(started);
    } catch (error) {
      // The telephony part validates the body; its errors are the caller's to fix unless they carry a status.
      const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
      const status = typeof fields['statusCode'] === 'number' ? fields['statusCode'] : 400;
      const body: Record<string, unknown> = {
        error: 'call_rejected',
        message: error instanceof Error ? error.message : String(error),
      };
      if (Array.isArray(fields['constraintViolations'])) {
        body['constraintViolations'] = fields['constraintViolations'];
      }
      return reply.code(status).send(body);
    }
  });

  app.get('/_sim/calls', async () => ({ items: options.telephony().listCalls() }));

  app.get('/_sim/faults', async () => ctx.faults);

  app.get('/_sim/traffic', async () => ({
    placed: options.telephony().trafficPlaced(),
    ...options.telephony().sockets(),
  }));

  app.post('/_sim/faults', { onRequest: jsonOnly }, async (request, reply) => {
    const parsed = faultsBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      return badRequest(reply, parsed.error);
    }
    const { reset, closeSockets, expireTokens, ...rates } = parsed.data;
    if (reset === true) {
      Object.assign(ctx.faults, DEFAULT_FAULTS);
    }
    for (const [key, value] of Object.entries(rates)) {
      if (value !== undefined) {
        Object.assign(ctx.faults, { [key]: value });
      }
    }
    const result: Record<string, unknown> = { faults: { ...ctx.faults } };
    if (closeSockets === true) {
      result['closedSockets'] = options.telephony().closeSockets();
    }
    if (expireTokens === true) {
      result['expiredTokens'] = options.tokens.expireAll();
    }
    return result;
  });

  // A load test's plan lists every caller: 30,000 calls are about 1 MB of JSON, Fastify's default limit.
  app.post('/_sim/traffic', { onRequest: jsonOnly, bodyLimit: 32 * 1024 * 1024 }, async (request, reply) => {
    const parsed = trafficBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      return badRequest(reply, parsed.error);
    }
    const body = parsed.data;
    if ('stop' in body) {
      options.telephony().traffic(null);
      return { traffic: null };
    }
    const traffic =
      body.maxCalls === undefined
        ? { callsPerSecond: body.callsPerSecond }
        : { callsPerSecond: body.callsPerSecond, maxCalls: body.maxCalls };
    options.telephony().traffic(body.plan === undefined ? traffic : { ...traffic, plan: body.plan });
    return { traffic };
  });
}
