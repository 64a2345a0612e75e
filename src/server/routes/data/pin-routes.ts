// /api/pins: an agent's choice of contact for a number, shared by everyone; that number's unlinked calls follow it.
import type { FastifyInstance } from 'fastify';
import type { DataRouteContext } from './data-routes.ts';
import { pinBodySchema, pinParamsSchema } from './schemas.ts';
import { notFound, parse } from './validate.ts';

export function pinRoutes(app: FastifyInstance, deps: DataRouteContext): void {
  const { contacts, pins, callLog } = deps.store;

  app.post('/api/pins', async (request, reply) => {
    const body = parse(pinBodySchema, request.body, 'invalid_body');
    if ((await contacts.get(body.contactId)) === null) {
      throw notFound('contact');
    }
    await pins.setPin(body.e164, body.contactId, deps.principal(request));
    // Calls logged without a contact (no match, or a tie) now show the pinned one; linked calls keep theirs.
    await callLog.linkUnlinked(body.e164, body.contactId);
    await deps.auditor.record({
      actor: deps.principal(request),
      action: 'pin.set',
      targetType: 'pin',
      targetId: body.e164,
      detail: `contact ${body.contactId}`,
    });
    return reply.status(204).send();
  });

  app.delete('/api/pins/:e164', async (request, reply) => {
    const { e164 } = parse(pinParamsSchema, request.params, 'invalid_path');
    await pins.clearPin(e164);
    await deps.auditor.record({
      actor: deps.principal(request),
      action: 'pin.cleared',
      targetType: 'pin',
      targetId: e164,
      detail: null,
    });
    return reply.status(204).send();
  });
}
