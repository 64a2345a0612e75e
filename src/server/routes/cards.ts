// The agent's live and recent cards, and a call's trace for the agents who saw it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Auditor } from '../audit.ts';
import { AppError } from '../errors.ts';
import { principalOf } from './me.ts';
import type { ServerDeps } from '../ports.ts';

const traceParams = z.object({ id: z.string().min(1).max(200) });

export async function cardRoutes(app: FastifyInstance, deps: ServerDeps, auditor: Auditor): Promise<void> {
  app.get('/api/cards', async (request) => {
    const principal = principalOf(request);
    const items = await deps.hub.recentCards(principal);
    for (const card of items) {
      auditor.cardShown(principal, card);
    }
    return { items };
  });

  app.get('/api/calls/:id/trace', async (request) => {
    const { id } = traceParams.parse(request.params);
    const principal = principalOf(request);
    // Someone else's call answers exactly like a call that does not exist.
    if (!deps.pops.canSee(principal, id) && !(await deps.hub.wasSent(principal, id))) {
      throw new AppError('call_not_found');
    }
    const trace = deps.trace(id);
    if (trace === null) {
      throw new AppError('call_not_found');
    }
    return trace;
  });
}
