// GET /api/openapi.json: an OpenAPI 3.1 document of the data routes and the integration and diagnosis routes
// (webhooks, CRM log, traces, providers), generated from the same zod schemas.
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
  auditEntrySchema,
  auditListSchema,
  auditQuerySchema,
  noteRevisionSchema,
} from './schemas.ts';
import { integrationSchemas } from './integration-schemas.ts';
import { listQuery as crmLogQuery, retryBody as crmRetryBody } from '../crm-log.ts';
import { searchQuery as traceQuery } from '../traces.ts';
import { attemptsQuery as webhookAttemptsQuery } from '../webhooks.ts';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ content: { 'application/json': { schema } } });
const error = (description: string): Json => ({ description, ...json(ref('ApiError')) });

function queryParameters(schema: z.ZodObject): Json[] {
  const jsonSchema = z.toJSONSchema(schema, { io: 'input' });
  const properties = (jsonSchema.properties ?? {}) as Record<string, Json>;
  const required = new Set(jsonSchema.required ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
  }));
}

const pathId = (name: string): Json => ({ name, in: 'path', required: true, schema: { type: 'string' } });

function operation(summary: string, extra: Json, responses: Json): Json {
  return { summary, ...extra, responses: { ...responses, '400': error('invalid request') } };
}

const crmRetryBodySchema = crmRetryBody.meta({ id: 'CrmRetryBody' });
const supervisorsOnly = { '403': error('supervisors_only') };

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
    noteRevisionSchema,
    noteRevisionListSchema,
    auditEntrySchema,
    auditListSchema,
    apiErrorSchema,
    crmRetryBodySchema,
    ...integrationSchemas,
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
      '/api/calls/{id}/crm': {
        get: operation(
          "The call's record in each CRM that logs calls",
          { parameters: [pathId('id')] },
          { '200': { description: 'one item per CRM', ...json(ref('CrmLogStatusList')) }, '404': error('no such call') },
        ),
      },
      '/api/calls/{id}/crm/retry': {
        post: operation(
          "Write the call's record to a CRM again (the call's agents, supervisors)",
          { parameters: [pathId('id')], requestBody: { required: true, ...json(ref('CrmRetryBody')) } },
          {
            '202': { description: 'queued' },
            '403': error('crm_retry_not_yours'),
            '404': error('no such call, or no CRM of that name logs calls'),
          },
        ),
      },
      '/api/crm-log': {
        get: operation(
          'The CRM records of a page of calls (the history rows)',
          { parameters: queryParameters(crmLogQuery) },
          { '200': { description: 'one item per call asked for', ...json(ref('CrmLogPage')) } },
        ),
      },
      '/api/webhooks': {
        get: operation(
          'The webhook endpoints and their health (supervisors); CRM call logging is on /api/providers',
          {},
          { '200': { description: 'endpoints', ...json(ref('WebhookEndpointList')) }, ...supervisorsOnly },
        ),
      },
      '/api/webhooks/attempts': {
        get: operation(
          'The latest webhook delivery attempts, newest first (supervisors); endpoint=crm:<provider>: that CRM\'s writes',
          { parameters: queryParameters(webhookAttemptsQuery) },
          { '200': { description: 'attempts', ...json(ref('WebhookAttemptList')) }, ...supervisorsOnly },
        ),
      },
      '/api/providers': {
        get: operation(
          "The lookup providers' health, with their CRM call logging where they write calls back (supervisors)",
          {},
          { '200': { description: 'providers', ...json(ref('ProviderList')) }, ...supervisorsOnly },
        ),
      },
      '/api/traces': {
        get: operation(
          'Calls by number or call id (own lines; supervisors: all)',
          { parameters: queryParameters(traceQuery) },
          { '200': { description: 'hits, newest first', ...json(ref('TraceSearchList')) } },
        ),
      },
      '/api/traces/{id}': {
        get: operation(
          "A call's trace in readable steps, and its call-log row",
          { parameters: [pathId('id')] },
          { '200': { description: 'the trace', ...json(ref('CallTraceView')) }, '404': error('no such call') },
        ),
      },
    },
  };
}
