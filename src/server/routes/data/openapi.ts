// GET /api/openapi.json: an OpenAPI 3.1 document of the data routes, generated from the same zod schemas.
import { z } from 'zod';
import {
  apiErrorSchema,
  callListSchema,
  callLogEntrySchema,
  callQuerySchema,
  contactInputSchema,
  contactPageSchema,
  contactQuerySchema,
  contactSchema,
  noteRevisionListSchema,
  notesBodySchema,
  pinBodySchema,
  auditListSchema,
  auditQuerySchema,
} from './schemas.ts';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ content: { 'application/json': { schema } } });
const error = (description: string): Json => ({ description, ...json(ref('ApiError')) });

function queryParameters(schema: z.ZodObject): Json[] {
  const properties = (z.toJSONSchema(schema, { io: 'input' }).properties ?? {}) as Record<string, Json>;
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: false, schema: property }));
}

const pathId = (name: string): Json => ({ name, in: 'path', required: true, schema: { type: 'string' } });

function operation(summary: string, extra: Json, responses: Json): Json {
  return { summary, ...extra, responses: { ...responses, '400': error('invalid request') } };
}

export function openApiDocument(): Json {
  const registry = z.registry<{ id: string }>();
  for (const schema of [
    contactInputSchema,
    contactSchema,
    contactPageSchema,
    callLogEntrySchema,
    callListSchema,
    notesBodySchema,
    pinBodySchema,
    noteRevisionListSchema,
    auditListSchema,
    apiErrorSchema,
  ]) {
    const id = schema.meta()?.id;
    if (typeof id === 'string') {
      registry.add(schema, { id });
    }
  }
  const components = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return {
    openapi: '3.1.0',
    info: { title: 'screenpop data API', version: '1' },
    components: {
      schemas: Object.fromEntries(
        Object.entries(components.schemas).map(([name, { $id: _id, $schema: _schema, ...schema }]) => [name, schema]),
      ),
    },
    paths: {
      '/api/contacts': {
        get: operation(
          'Search contacts (name, company, email, phone digits)',
          { parameters: queryParameters(contactQuerySchema) },
          { '200': { description: 'a page of contacts', ...json(ref('ContactPage')) } },
        ),
        post: operation(
          'Create a contact',
          { requestBody: { required: true, ...json(ref('ContactInput')) } },
          { '201': { description: 'created', ...json(ref('Contact')) } },
        ),
      },
      '/api/contacts/{id}': {
        get: operation(
          'Read a contact',
          { parameters: [pathId('id')] },
          { '200': { description: 'the contact', ...json(ref('Contact')) }, '404': error('no such contact') },
        ),
        put: operation(
          'Replace a contact',
          { parameters: [pathId('id')], requestBody: { required: true, ...json(ref('ContactInput')) } },
          { '200': { description: 'the contact', ...json(ref('Contact')) }, '404': error('no such contact') },
        ),
        delete: operation(
          'Delete a contact',
          { parameters: [pathId('id')] },
          { '204': { description: 'deleted' }, '404': error('no such contact') },
        ),
      },
      '/api/calls': {
        get: operation(
          'The call log, newest first',
          { parameters: queryParameters(callQuerySchema) },
          { '200': { description: 'calls', ...json(ref('CallList')) } },
        ),
      },
      '/api/calls/{id}': {
        get: operation(
          'One call',
          { parameters: [pathId('id')] },
          { '200': { description: 'the call', ...json(ref('CallLogEntry')) }, '404': error('no such call') },
        ),
      },
      '/api/calls/{id}/notes': {
        put: operation(
          'Save notes and disposition on a call',
          { parameters: [pathId('id')], requestBody: { required: true, ...json(ref('NotesBody')) } },
          {
            '200': { description: 'the call', ...json(ref('CallLogEntry')) },
            '403': error('not_your_call: only agents whose line took part, or supervisors'),
            '404': error('no such call'),
          },
        ),
      },
      '/api/calls/{id}/notes/revisions': {
        get: operation(
          'Every save of the call\'s notes, oldest first',
          { parameters: [pathId('id')] },
          { '200': { description: 'revisions', ...json(ref('NoteRevisionList')) }, '404': error('no such call') },
        ),
      },
      '/api/audit': {
        get: operation(
          'The audit log, newest first (supervisors)',
          { parameters: queryParameters(auditQuerySchema) },
          { '200': { description: 'entries', ...json(ref('AuditList')) }, '403': error('supervisors only') },
        ),
      },
      '/api/audit.csv': {
        get: operation(
          'The audit log as CSV, formula cells neutralised (supervisors)',
          { parameters: queryParameters(auditQuerySchema) },
          {
            '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } },
            '403': error('supervisors only'),
          },
        ),
      },
      '/api/pins': {
        post: operation(
          'Pin a number to a contact (for everyone)',
          { requestBody: { required: true, ...json(ref('PinBody')) } },
          { '204': { description: 'pinned' }, '404': error('no such contact') },
        ),
      },
      '/api/pins/{e164}': {
        delete: operation('Remove a pin', { parameters: [pathId('e164')] }, { '204': { description: 'removed' } }),
      },
    },
  };
}
