// /api/audit: the audit log for supervisors, as JSON pages or a CSV export.
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../../errors.ts';
import { auditCsv } from '../../audit.ts';
import { configuredRole } from '../../roles.ts';
import type { DataRoutesDeps } from './data-routes.ts';
import { auditQuerySchema } from './schemas.ts';
import { RequestError, parse } from './validate.ts';

export function auditRoutes(app: FastifyInstance, deps: DataRoutesDeps): void {
  const read = async (request: Parameters<DataRoutesDeps['principal']>[0]) => {
    if (configuredRole(deps.principal(request), deps.supervisors ?? []) !== 'supervisor') {
      throw new RequestError(403, errorBody('supervisors_only'));
    }
    const query = parse(auditQuerySchema, request.query, 'invalid_query');
    return deps.store.audit.listAudit({
      limit: query.limit,
      ...(query.beforeId === undefined ? {} : { beforeId: query.beforeId }),
    });
  };

  app.get('/api/audit', async (request) => ({ items: await read(request) }));

  app.get('/api/audit.csv', async (request, reply) => {
    const entries = await read(request);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="screenpop-audit.csv"')
      .send(auditCsv(entries));
  });
}
