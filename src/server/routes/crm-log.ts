// A call's record in each CRM (issue 14): its state for the history rows, and a retry for the call's participants
// or a supervisor (the same people who may change the call's notes).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AgentStore } from '../../pops/ports.ts';
import type { CallLogEntry, CrmLogStatus } from '../../shared/api.ts';
import { AppError } from '../errors.ts';
import { principalOf } from './me.ts';
import { mayWriteNotes } from './data/call-access.ts';

/** What the routes read; src/app hands in the CRM log (or nothing when no provider logs calls). */
export interface CrmLogRoutesDeps {
  readonly status: (callIds: readonly string[]) => Promise<Map<string, CrmLogStatus[]>>;
  /** Queues one more write; false when no provider of that name logs calls. */
  readonly retry: (callId: string, provider: string) => Promise<boolean>;
  readonly callLog: { get(callId: string): Promise<CallLogEntry | null> };
  readonly agents: Pick<AgentStore, 'getAgent'>;
  readonly supervisors: readonly string[];
}

const idParams = z.object({ id: z.string().min(1).max(200) }).strict();
export const listQuery = z
  .object({
    calls: z
      .string()
      .transform((s) => s.split(',').filter((id) => id !== ''))
      .pipe(z.array(z.string().max(200)).min(1).max(100)),
  })
  .strict();
export const retryBody = z.object({ provider: z.string().min(1).max(40) }).strict();

function parse<T>(
  schema: z.ZodType<T>,
  value: unknown,
  id: 'invalid_path' | 'invalid_query' | 'invalid_body',
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      id,
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return parsed.data;
}

export async function crmLogRoutes(app: FastifyInstance, deps: CrmLogRoutesDeps): Promise<void> {
  app.get('/api/calls/:id/crm', async (request) => {
    const { id } = parse(idParams, request.params, 'invalid_path');
    if ((await deps.callLog.get(id)) === null) {
      throw new AppError('call_not_found');
    }
    return { items: (await deps.status([id])).get(id) ?? [] };
  });

  app.get('/api/crm-log', async (request) => {
    const { calls } = parse(listQuery, request.query, 'invalid_query');
    const byCall = await deps.status(calls);
    return { items: [...byCall].map(([callId, crm]) => ({ callId, crm })) };
  });

  app.post('/api/calls/:id/crm/retry', async (request, reply) => {
    const { id } = parse(idParams, request.params, 'invalid_path');
    const { provider } = parse(retryBody, request.body, 'invalid_body');
    const entry = await deps.callLog.get(id);
    if (entry === null) {
      throw new AppError('call_not_found');
    }
    if (!(await mayWriteNotes(deps.agents, deps.supervisors, principalOf(request), entry))) {
      throw new AppError('crm_retry_not_yours');
    }
    if (!(await deps.retry(id, provider))) {
      throw new AppError('crm_provider_unknown');
    }
    return reply.status(202).send({ queued: true });
  });
}
