// /api/contacts: list and search, create, read, replace, delete.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditAction } from '../../../shared/api.ts';
import type { DataRouteContext } from './data-routes.ts';
import { contactInputSchema, contactQuerySchema, idParamsSchema } from './schemas.ts';
import { notFound, parse } from './validate.ts';

export function contactRoutes(app: FastifyInstance, deps: DataRouteContext): void {
  const contacts = deps.store.contacts;
  const audit = (request: FastifyRequest, action: AuditAction, id: string, name: string | null) =>
    deps.auditor.record({ actor: deps.principal(request), action, targetType: 'contact', targetId: id, detail: name });

  app.get('/api/contacts', async (request) => {
    const query = parse(contactQuerySchema, request.query, 'invalid_query');
    return contacts.search({
      limit: query.limit,
      offset: query.offset,
      ...(query.q === undefined ? {} : { text: query.q }),
    });
  });

  app.post('/api/contacts', async (request, reply) => {
    const input = parse(contactInputSchema, request.body, 'invalid_body');
    const contact = await contacts.create(input);
    await audit(request, 'contact.created', contact.id, contact.name);
    return reply.status(201).send(contact);
  });

  app.get('/api/contacts/:id', async (request) => {
    const { id } = parse(idParamsSchema, request.params, 'invalid_path');
    const contact = await contacts.get(id);
    if (contact === null) {
      throw notFound('contact');
    }
    return contact;
  });

  app.put('/api/contacts/:id', async (request) => {
    const { id } = parse(idParamsSchema, request.params, 'invalid_path');
    const input = parse(contactInputSchema, request.body, 'invalid_body');
    const contact = await contacts.update(id, input);
    if (contact === null) {
      throw notFound('contact');
    }
    await audit(request, 'contact.updated', id, contact.name);
    return contact;
  });

  app.delete('/api/contacts/:id', async (request, reply) => {
    const { id } = parse(idParamsSchema, request.params, 'invalid_path');
    const name = (await contacts.get(id))?.name ?? null;
    if (!(await contacts.delete(id))) {
      throw notFound('contact');
    }
    await audit(request, 'contact.deleted', id, name);
    return reply.status(204).send();
  });
}
