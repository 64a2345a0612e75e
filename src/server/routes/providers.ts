// Supervisors only: the lookup providers' health (last success and error, request times, requests in the last hour),
// and where a provider writes calls back to its CRM, how that call logging fares.
import type { FastifyInstance } from 'fastify';
import type { ProviderHealth } from '../../shared/trace.ts';
import { AppError } from '../errors.ts';
import { principalOf } from './me.ts';

export interface ProviderRoutesDeps {
  readonly isSupervisor: (principal: string) => Promise<boolean>;
  readonly providers: () => Promise<readonly ProviderHealth[]>;
}

export async function providerRoutes(app: FastifyInstance, deps: ProviderRoutesDeps): Promise<void> {
  app.get('/api/providers', async (request) => {
    if (!(await deps.isSupervisor(principalOf(request)))) {
      throw new AppError('supervisors_only');
    }
    return { providers: await deps.providers() };
  });
}
