import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Call } from '../../../calls/types.ts';
import { storeTargets } from '../../../store/testing/targets.ts';
import type { Store } from '../../../store/store.ts';
import { registerDataRoutes } from './data-routes.ts';

async function app(store: Store, supervisors: string[] = []): Promise<FastifyInstance> {
  const fastify = Fastify();
  await registerDataRoutes(fastify, {
    store,
    supervisors,
    phone: { defaultRegion: 'US', suffixDigits: 7 },
    principal: (request) => String(request.headers['x-agent'] ?? 'dana@x.example'),
  });
  return fastify;
}

/** An agent record with these GoTo lines, as sign-in stores it. */
function agent(principal: string, lineIds: string[]) {
  const lines = lineIds.map((id) => ({ id, extension: null, name: null }));
  return { principal, displayName: null, lines, popLines: null, desktopNotifications: false, role: 'agent' as const };
}

const ended: Call = {
  id: 'call-1',
  source: 'call-events',
  accountKey: null,
  direction: 'inbound',
  caller: { e164: '+13125550140', raw: '3125550140', name: 'DANA', withheld: false, extension: null },
  callee: null,
  dialed: null,
  queue: null,
  legs: [{ lineId: 'line-a', extension: '2101', name: 'Alex', state: 'gone', since: 1 }],
  answeredBy: 'line-a',
  phase: 'ended',
  outcome: 'answered',
  startedAt: 1_000,
  answeredAt: 2_000,
  endedAt: 3_000,
  associated: [],
  version: 1,
};

for (const target of storeTargets()) {
  describe(`data routes on ${target.name}`, { skip: target.skip }, () => {
    after(() => target.cleanup());

    test('contacts: create, read, search, replace, delete', async () => {
      const api = await app(await target.open());
      const created = await api.inject({
        method: 'POST',
        url: '/api/contacts',
        payload: { name: 'Dana Whitfield', company: 'Acme', phones: [{ raw: '(312) 555-0140', label: 'work' }] },
      });
      assert.equal(created.statusCode, 201);
      const contact = created.json<{ id: string; phones: { e164: string }[] }>();
      assert.equal(contact.phones[0]?.e164, '+13125550140');
      const read = await api.inject({ method: 'GET', url: `/api/contacts/${contact.id}` });
      assert.deepEqual(read.json(), contact);
      const found = await api.inject({ method: 'GET', url: '/api/contacts?q=acme&limit=5' });
      assert.equal(found.json<{ total: number }>().total, 1);
      const replaced = await api.inject({ method: 'PUT', url: `/api/contacts/${contact.id}`, payload: { name: 'D. W.' } });
      assert.equal(replaced.json<{ name: string }>().name, 'D. W.');
      assert.equal((await api.inject({ method: 'DELETE', url: `/api/contacts/${contact.id}` })).statusCode, 204);
      const gone = await api.inject({ method: 'GET', url: `/api/contacts/${contact.id}` });
      assert.equal(gone.statusCode, 404);
      assert.equal(gone.json<{ error: string }>().error, 'not_found');
      assert.equal((await api.inject({ method: 'DELETE', url: `/api/contacts/${contact.id}` })).statusCode, 404);
      const put = await api.inject({ method: 'PUT', url: '/api/contacts/12345', payload: { name: 'x' } });
      assert.equal(put.statusCode, 404);
      await api.close();
    });

    test('record and ticket links must be http or https: javascript: and data: are refused', async () => {
      const api = await app(await target.open());
      const create = (payload: object) => api.inject({ method: 'POST', url: '/api/contacts', payload: { name: 'Dana', ...payload } });
      const ticket = (url: string) => ({ tickets: [{ id: 't1', title: 'Refund', status: 'open', url }] });
      for (const bad of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'ftp://x.example/a']) {
        const record = await create({ recordUrl: bad });
        assert.equal(record.statusCode, 400, bad);
        assert.deepEqual(
          record.json<{ details: { path: string }[] }>().details.map((d) => d.path),
          ['recordUrl'],
        );
        assert.equal((await create(ticket(bad))).statusCode, 400, bad);
      }
      const good = await create({ recordUrl: 'https://crm.example/c/1', ...ticket('http://desk.example/t/1') });
      assert.equal(good.statusCode, 201);
      await api.close();
    });

    test('a bad body is a 400 naming every bad field', async () => {
      const api = await app(await target.open());
      const response = await api.inject({
        method: 'POST',
        url: '/api/contacts',
        payload: { name: '', email: 'nope', shoe: 42 },
      });
      assert.equal(response.statusCode, 400);
      const body = response.json<{ error: string; message: string; details: { path: string }[] }>();
      assert.equal(body.error, 'invalid_body');
      assert.ok(body.message.length > 0);
      assert.deepEqual(body.details.map((d) => d.path).sort(), ['', 'email', 'name']);
      const query = await api.inject({ method: 'GET', url: '/api/contacts?limit=0' });
      assert.equal(query.json<{ error: string }>().error, 'invalid_query');
      await api.close();
    });

    test('calls: list with filters, read one, write notes as the signed-in agent', async () => {
      const store = await target.open();
      await store.agents.saveAgent(agent('eli@x.example', ['line-a']));
      await store.callLog.writeEndedCall(ended);
      await store.callLog.writeEndedCall({ ...ended, id: 'call-2', outcome: 'missed', answeredBy: null, startedAt: 5_000 });
      const api = await app(store);
      const ids = async (query: string) =>
        (await api.inject({ method: 'GET', url: `/api/calls${query}` })).json<{ items: { callId: string }[] }>().items.map(
          (e) => e.callId,
        );
      assert.deepEqual(await ids(''), ['call-2', 'call-1']);
      assert.deepEqual(await ids('?number=(312)%20555-0140&outcome=answered'), ['call-1']);
      assert.deepEqual(await ids('?line=line-a&before=5000'), ['call-1']);
      assert.deepEqual(await ids('?q=dana&limit=1'), ['call-2']);
      const bad = await api.inject({ method: 'GET', url: '/api/calls?number=hello' });
      assert.equal(bad.statusCode, 400);
      assert.equal((await api.inject({ method: 'GET', url: '/api/calls/call-1' })).json<{ callId: string }>().callId, 'call-1');
      assert.equal((await api.inject({ method: 'GET', url: '/api/calls/nope' })).statusCode, 404);
      const noted = await api.inject({
        method: 'PUT',
        url: '/api/calls/call-1/notes',
        headers: { 'x-agent': 'eli@x.example' },
        payload: { notes: 'call back Monday', disposition: 'follow-up' },
      });
      assert.equal(noted.statusCode, 200);
      assert.equal(noted.json<{ notesBy: string }>().notesBy, 'eli@x.example');
      const missing = await api.inject({
        method: 'PUT',
        url: '/api/calls/nope/notes',
        payload: { notes: null, disposition: null },
      });
      assert.equal(missing.statusCode, 404);
      await api.close();
    });

    test('notes: only agents whose line took part, or supervisors, write them; every save is kept', async () => {
      const store = await target.open();
      await store.agents.saveAgent(agent('aiko@x.example', ['line-a']));
      await store.agents.saveAgent(agent('marcus@x.example', ['line-m']));
      await store.callLog.writeEndedCall(ended); // rang and answered on Aiko's line-a
      const api = await app(store, ['boss@x.example']);
      const save = (who: string, notes: string) =>
        api.inject({
          method: 'PUT',
          url: '/api/calls/call-1/notes',
          headers: { 'x-agent': who },
          payload: { notes, disposition: null },
        });
      assert.equal((await save('aiko@x.example', 'wants a refund')).statusCode, 200);
      const marcus = await save('marcus@x.example', 'overwritten');
      assert.equal(marcus.statusCode, 403);
      assert.equal(marcus.json<{ error: string }>().error, 'not_your_call');
      assert.equal((await save('nobody@x.example', 'overwritten')).statusCode, 403);
      const read = await api.inject({ method: 'GET', url: '/api/calls/call-1', headers: { 'x-agent': 'marcus@x.example' } });
      assert.equal(read.statusCode, 200, 'reading the call log stays team-wide');
      assert.equal(read.json<{ notes: string }>().notes, 'wants a refund');
      assert.equal((await save('boss@x.example', 'refund approved')).statusCode, 200);
      const revisions = await api.inject({ method: 'GET', url: '/api/calls/call-1/notes/revisions' });
      assert.equal(revisions.statusCode, 200);
      const items = revisions.json<{ items: { notes: string; by: string; at: number }[] }>().items;
      assert.deepEqual(
        items.map((r) => [r.notes, r.by]),
        [
          ['wants a refund', 'aiko@x.example'],
          ['refund approved', 'boss@x.example'],
        ],
      );
      assert.ok(items.every((r) => r.at > 0));
      assert.equal((await api.inject({ method: 'GET', url: '/api/calls/nope/notes/revisions' })).statusCode, 404);
      await api.close();
    });

    test('audit: changes to contacts, pins and notes are logged; supervisors read them as JSON or CSV', async () => {
      const store = await target.open();
      await store.agents.saveAgent(agent('aiko@x.example', ['line-a']));
      await store.callLog.writeEndedCall(ended);
      const api = await app(store, ['boss@x.example']);
      const as = (who: string) => ({ 'x-agent': who });
      const created = await api.inject({
        method: 'POST',
        url: '/api/contacts',
        headers: as('aiko@x.example'),
        payload: { name: '=HYPERLINK("https://evil.example","x"), Inc' },
      });
      const id = created.json<{ id: string }>().id;
      await api.inject({ method: 'PUT', url: `/api/contacts/${id}`, headers: as('aiko@x.example'), payload: { name: 'Dana' } });
      await api.inject({ method: 'POST', url: '/api/pins', headers: as('aiko@x.example'), payload: { e164: '+13125550140', contactId: id } });
      await api.inject({ method: 'DELETE', url: '/api/pins/%2B13125550140', headers: as('aiko@x.example') });
      await api.inject({
        method: 'PUT',
        url: '/api/calls/call-1/notes',
        headers: as('aiko@x.example'),
        payload: { notes: 'x', disposition: null },
      });
      await api.inject({ method: 'DELETE', url: `/api/contacts/${id}`, headers: as('aiko@x.example') });
      const refused = await api.inject({ method: 'GET', url: '/api/audit', headers: as('aiko@x.example') });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json<{ error: string }>().error, 'supervisors_only');
      assert.equal((await api.inject({ method: 'GET', url: '/api/audit.csv', headers: as('aiko@x.example') })).statusCode, 403);
      const log = await api.inject({ method: 'GET', url: '/api/audit', headers: as('boss@x.example') });
      const items = log.json<{ items: { actor: string; action: string; targetId: string }[] }>().items;
      assert.deepEqual(
        items.map((e) => [e.action, e.targetId]),
        [
          ['contact.deleted', id],
          ['notes.saved', 'call-1'],
          ['pin.cleared', '+13125550140'],
          ['pin.set', '+13125550140'],
          ['contact.updated', id],
          ['contact.created', id],
        ],
      );
      assert.ok(items.every((e) => e.actor === 'aiko@x.example'));
      const csv = await api.inject({ method: 'GET', url: '/api/audit.csv?limit=1000', headers: as('boss@x.example') });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      const lines = csv.body.trimEnd().split('\r\n');
      assert.equal(lines[0], 'time,actor,action,target_type,target_id,detail');
      assert.equal(lines.length, 7);
      // The formula-looking name is quoted (it holds a comma and quotes) and neutralised with a leading '.
      assert.ok(lines[6]!.endsWith(`,contact.created,contact,${id},"'=HYPERLINK(""https://evil.example"",""x""), Inc"`), lines[6]);
      // The pinned number starts with + (a formula in a spreadsheet): neutralised too.
      assert.ok(lines[3]!.includes(",pin,'+13125550140,"), lines[3]);
      await api.close();
    });

    test('pins: pin a number to an existing contact, then remove it', async () => {
      const store = await target.open();
      const contact = await store.contacts.create({ name: 'Dana' });
      const api = await app(store);
      const pinned = await api.inject({
        method: 'POST',
        url: '/api/pins',
        payload: { e164: '+13125550140', contactId: contact.id },
      });
      assert.equal(pinned.statusCode, 204);
      assert.deepEqual(
        { ...(await store.pins.getPin('+13125550140')), at: 0 },
        { contactId: contact.id, by: 'dana@x.example', at: 0 },
      );
      const unknown = await api.inject({ method: 'POST', url: '/api/pins', payload: { e164: '+13125550140', contactId: '999' } });
      assert.equal(unknown.statusCode, 404);
      const invalid = await api.inject({ method: 'POST', url: '/api/pins', payload: { e164: '312', contactId: contact.id } });
      assert.equal(invalid.statusCode, 400);
      assert.equal((await api.inject({ method: 'DELETE', url: '/api/pins/+13125550140' })).statusCode, 204);
      assert.equal(await store.pins.getPin('+13125550140'), null);
      await api.close();
    });

    test('pins: pinning back-fills the contact of that number\'s unlinked calls; the call log names it', async () => {
      const store = await target.open();
      const dana = await store.contacts.create({ name: 'Dana Whitfield' });
      const other = await store.contacts.create({ name: 'Other' });
      await store.callLog.writeEndedCall(ended);
      await store.callLog.writeEndedCall({ ...ended, id: 'call-2', startedAt: 5_000 });
      await store.callLog.linkContact('call-2', other.id);
      const api = await app(store);
      const pin = { e164: '+13125550140', contactId: dana.id };
      assert.equal((await api.inject({ method: 'POST', url: '/api/pins', payload: pin })).statusCode, 204);
      const list = (await api.inject({ method: 'GET', url: '/api/calls' })).json<{
        items: { callId: string; contactId: string | null; contactName: string | null }[];
      }>();
      assert.deepEqual(
        list.items.map((e) => [e.callId, e.contactId, e.contactName]),
        [
          ['call-2', other.id, 'Other'],
          ['call-1', dana.id, 'Dana Whitfield'],
        ],
      );
      const one = (await api.inject({ method: 'GET', url: '/api/calls/call-1' })).json<{ contactName: string }>();
      assert.equal(one.contactName, 'Dana Whitfield');
      await api.close();
    });

    test('openapi.json documents every data route with the zod schemas', async () => {
      const api = await app(await target.open());
      const doc = (await api.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
        openapi: string;
        paths: Record<string, unknown>;
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      }>();
      assert.equal(doc.openapi, '3.1.0');
      assert.deepEqual(Object.keys(doc.paths).sort(), [
        '/api/audit',
        '/api/audit.csv',
        '/api/calls',
        '/api/calls/{id}',
        '/api/calls/{id}/crm',
        '/api/calls/{id}/crm/retry',
        '/api/calls/{id}/notes',
        '/api/calls/{id}/notes/revisions',
        '/api/contacts',
        '/api/contacts/{id}',
        '/api/crm-log',
        '/api/pins',
        '/api/pins/{e164}',
        '/api/providers',
        '/api/traces',
        '/api/traces/{id}',
        '/api/webhooks',
        '/api/webhooks/attempts',
      ]);
      // Every reference points at a schema of the document.
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(
        refs.filter((name) => name === undefined || doc.components.schemas[name] === undefined),
        [],
      );
      for (const name of ['WebhookEndpointList', 'WebhookAttemptList', 'CrmLogPage', 'ProviderList', 'CallTraceView']) {
        assert.ok(refs.includes(name), `${name} is used`);
      }
      const providerHealth = doc.components.schemas.ProviderHealth?.properties ?? {};
      assert.ok(providerHealth.callLogging !== undefined);
      assert.ok(doc.components.schemas.CallLoggingHealth?.properties?.failingSince !== undefined);
      const attempts = doc.paths['/api/webhooks/attempts'] as { get: { parameters: { name: string }[] } };
      assert.deepEqual(
        attempts.get.parameters.map((p) => p.name),
        ['endpoint', 'limit'],
      );
      const traces = doc.paths['/api/traces'] as { get: { parameters: { name: string; required: boolean }[] } };
      assert.deepEqual(
        traces.get.parameters.map((p) => [p.name, p.required]),
        [['q', true]],
      );
      assert.ok(doc.components.schemas.ContactInput?.properties?.phones !== undefined);
      assert.ok(doc.components.schemas.CallLogEntry?.properties?.answeredByName !== undefined);
      assert.ok(!JSON.stringify(doc).includes('"$ref":"Contact"'));
      await api.close();
    });
  });
}

test("other errors go on to the server's own error handler", async () => {
  const fastify = Fastify();
  fastify.setErrorHandler((error: Error, _request, reply) => reply.status(500).send({ error: 'outer', message: error.message }));
  const failing = {
    search: async () => {
      throw new Error('database down');
    },
  };
  const store = { contacts: failing, callLog: {}, pins: {} } as unknown as Store;
  await fastify.register(async (scope) =>
    registerDataRoutes(scope, { store, phone: { defaultRegion: 'US', suffixDigits: 7 }, principal: () => 'x' }),
  );
  const response = await fastify.inject({ method: 'GET', url: '/api/contacts' });
  assert.equal(response.statusCode, 500);
  assert.deepEqual(response.json(), { error: 'outer', message: 'database down' });
  await fastify.close();
});
