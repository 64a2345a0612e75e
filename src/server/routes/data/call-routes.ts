// /api/calls: the call log (filters), one call, and the notes agents write after a call.
import type { FastifyInstance } from 'fastify';
import { normalizePhone } from '../../../phone/phone.ts';
import { errorBody } from '../../errors.ts';
import { mayWriteNotes } from './call-access.ts';
import type { DataRouteContext } from './data-routes.ts';
import { callQuerySchema, idParamsSchema, notesBodySchema } from './schemas.ts';
import { RequestError, notFound, parse } from './validate.ts';

export function callRoutes(app: FastifyInstance, deps: DataRouteContext): void {
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
    const by = deps.principal(request);
    const logged = await callLog.get(id);
    if (logged === null) {
      throw notFound('call');
    }
    if (!(await mayWriteNotes(deps.store.agents, deps.supervisors ?? [], by, logged))) {
      throw new RequestError(403, errorBody('not_your_call'));
    }
    const entry = await callLog.setNotes(id, { ...body, by });
    if (entry === null) {
      throw notFound('call');
    }
    await deps.store.noteRevisions.addNoteRevision({
      callId: id,
      notes: entry.notes,
      disposition: entry.disposition,
      by,
      at: entry.notesAt ?? Date.now(),
    });
    await deps.auditor.record({
      actor: by,
      action: 'notes.saved',
      targetType: 'call',
      targetId: id,
      detail: entry.callerE164 ?? entry.callerRaw,
    });
    return entry;
  });

  app.get('/api/calls/:id/notes/revisions', async (request) => {
    const { id } = parse(idParamsSchema, request.params, 'invalid_path');
    if ((await callLog.get(id)) === null) {
      throw notFound('call');
    }
    return { items: await deps.store.noteRevisions.noteRevisions(id) };
  });
}
