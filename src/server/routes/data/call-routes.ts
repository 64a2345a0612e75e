// /api/calls: the call log (filters), one call, and the notes agents write after a call.
import type { FastifyInstance } from 'fastify';
import { normalizePhone } from '../../../phone/phone.ts';
import type { DataRoutesDeps } from './data-routes.ts';
import { callQuerySchema, idParamsSchema, notesBodySchema } from './schemas.ts';
import { RequestError, notFound, parse } from './validate.ts';

export function callRoutes(app: FastifyInstance, deps: DataRoutesDeps): void {
  const callLog = deps.store.callLog;

  app.get('/api/calls', async (request) => {
    const query = parse(callQuerySchema, request.query, 'invalid_query');
    let callerE164: string | undefined;
    if (query.number !== undefined) {
      const e164 = normalizePhone(query.number, deps.phone).e164;
      if (e164 === null) {
        throw new RequestError(400, {
          error: 'invalid_query',
          message: 'The query string is not valid; see details.',
          details: [{ path: 'number', message: 'not a phone number' }],
        });
      }
      callerE164 = e164;
    }
    const items = await callLog.list({
      limit: query.limit,
      ...(callerE164 === undefined ? {} : { callerE164 }),
      ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
      ...(query.line === undefined ? {} : { lineId: query.line }),
      ...(query.q === undefined ? {} : { text: query.q }),
      ...(query.before === undefined ? {} : { before: query.before }),
    });
    return { items };
  });

  app.get('/api/calls/:id', async (request) => {
    const { id } = parse(idParamsSchema, request.params, 'invalid_path');
    const entry = await callLog.get(id);
    if (entry === null) {
      throw notFound('call');
    }
    return entry;
  });

  app.put('/api/calls/:id/notes', async (request) => {
    const { id } = parse(idParamsSchema, request.params, 'invalid_path');
    const body = parse(notesBodySchema, request.body, 'invalid_body');
    const entry = await callLog.setNotes(id, { ...body, by: deps.principal(request) });
    if (entry === null) {
      throw notFound('call');
    }
    return entry;
  });
}
