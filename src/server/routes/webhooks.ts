// Supervisors only: the webhook endpoints' health and the delivery log (last attempts, status, response time).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { principalOf } from './me.ts';

/** What the routes read; src/app hands in the webhooks feature (or empty lists when none is configured). */
export interface WebhookRoutesDeps {
  /** The configured supervisors, or an agent whose stored role says so (as GET /api/me reports it). */
  readonly isSupervisor: (principal: string) => Promise<boolean>;
  readonly endpoints: () => Promise<readonly unknown[]>;
  readonly attempts: (query: {
    readonly endpoint?: string;
    readonly limit: number;
  }) => Promise<readonly unknown[]>;
}

export const attemptsQuery = z
  .object({
    endpoint: z.string().min(1).max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export async function webhookRoutes(app: FastifyInstance, deps: WebhookRoutesDeps): Promise<void> {
  const supervisorsOnly = async (request: FastifyRequest): Promise<void> => {
    if (!(await deps.isSupervisor(principalOf(request)))) {
      throw new AppError('supervisors_only');
    }
  };

  app.get('/api/webhooks', async (request) => {
    await supervisorsOnly(request);
    return { endpoints: await deps.endpoints() };
  });

  app.get('/api/webhooks/attempts', async (request) => {
    await supervisorsOnly(request);
    const query = attemptsQuery.safeParse(request.query);
    if (!query.success) {
      throw new AppError(
        'invalid_query',
        query.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    const { endpoint, limit } = query.data;
    return { items: await deps.attempts(endpoint === undefined ? { limit } : { endpoint, limit }) };
  });
}
