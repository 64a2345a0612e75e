// /api/contacts: list and search, create, read, replace, delete.
import type { FastifyInstance } from 'fastify';
import type { DataRoutesDeps } from './data-routes.ts';
import { contactInputSchema, contactQuerySchema, idParamsSchema } from './schemas.ts';
import { notFound, parse } from './validate.ts';

export function contactRoutes(app: FastifyInstance, deps: DataRoutesDeps): void {
  const contacts = deps.store.contacts;

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
    return reply.status(201).send(await contacts.create(input));
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
    return contact;
  });

  app.delete('/api/contacts/:id', async (request, reply) => {
    const { id } = parse(idParamsSchema, request.params, 'invalid_path');
    if (!(await contacts.delete(id))) {
      throw notFound('contact');
    }
    return reply.status(204).send();
  });
}
