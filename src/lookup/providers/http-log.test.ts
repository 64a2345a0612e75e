// The "http" provider's `log` section: parsed with clear errors, and a writer that creates once, then updates the
// same record through ${crmId}, against a real local server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CrmWriteError } from './call-record.ts';
import type { CrmCallRecord } from './call-record.ts';
import { parseProviders, providerProblems } from './provider-config.ts';
import { createWriter } from './provider-kinds.ts';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: unknown;
}
const seen: Seen[] = [];
let status = 201;
let base = '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      auth: req.headers.authorization,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
    });
    res.writeHead(status, status === 429 ? { 'retry-after': '7' } : {});
    res.end(JSON.stringify({ data: { id: 'act-9' } }));
  });
});
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const clock = { now: () => 0 };
const record: CrmCallRecord = {
  callId: 'c-1',
  direction: 'inbound',
  from: '+13125550123',
  to: '+13125550140',
  startedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  answeredAt: null,
  endedAt: Date.UTC(2026, 0, 2, 3, 5, 5),
  talkSeconds: 42,
  outcome: 'answered',
  agent: { principal: 'priya@example.com', name: 'Priya' },
  notes: null,
  disposition: null,
  contact: { externalId: 'p/17', name: 'Ada' },
};

function entry(log: Record<string, unknown>) {
  return [
    {
      name: 'crm',
      url: `${base}/lookup/{e164}`,
      headers: { authorization: 'Bearer ${CRM_TOKEN}' },
      fields: { name: 'name' },
      log,
    },
  ];
}

const good = () => ({
  url: `${base}/contacts/{contactId}/calls`,
  body: { subject: 'Call from {from}', seconds: '{talkSeconds}', note: '{notes}', ref: '{callId}' },
  update: { url: `${base}/calls/\${crmId}` },
  idPath: 'data.id',
  recordUrl: 'https://crm.example.com/calls/${crmId}',
});

test('a log section with unknown placeholders, no ${crmId} or a bad path is refused with each problem named', () => {
  const problems = providerProblems(
    JSON.stringify(
      entry({
        url: `${base}/calls/{nope}`,
        body: { a: '{alsoNope}', b: '${MISSING_ENV}' },
        update: { url: `${base}/calls` },
        idPath: 'a..b',
      }),
    ),
    { CRM_TOKEN: 't' },
  );
  const text = problems.join('\n');
  assert.match(text, /log\.url: unknown placeholder \{nope\}/);
  assert.match(text, /log\.body\.a: unknown placeholder \{alsoNope\}/);
  assert.match(text, /log\.body\.b: environment variable MISSING_ENV is not set/);
  assert.match(text, /log\.update\.url: must name the record by \$\{crmId\}/);
  assert.match(text, /log\.idPath: bad path segment/);
});

test('without a log section the provider logs nothing', () => {
  const [config] = parseProviders(
    JSON.stringify([{ name: 'crm', url: `${base}/x`, fields: { name: 'n' } }]),
    {},
  );
  assert.ok(config);
  assert.equal(createWriter(config, clock), null);
});

test('the record is created from the templates, then updated at ${crmId}, never created twice', async () => {
  const [config] = parseProviders(JSON.stringify(entry(good())), { CRM_TOKEN: 'tok' });
  assert.ok(config);
  const writer = createWriter(config, clock);
  assert.ok(writer);
  seen.length = 0;
  const ref = await writer.write(record, null, new AbortController().signal);
  assert.deepEqual(ref, { id: 'act-9', url: 'https://crm.example.com/calls/act-9' });
  const updated = await writer.write({ ...record, notes: 'ordered' }, ref, new AbortController().signal);
  assert.equal(updated.id, 'act-9');
  assert.deepEqual(
    seen.map((s) => [s.method, s.url, s.auth]),
    [
      ['POST', '/contacts/p%2F17/calls', 'Bearer tok'],
      ['PATCH', '/calls/act-9', 'Bearer tok'],
    ],
  );
  assert.deepEqual(seen[0]?.body, { subject: 'Call from +13125550123', seconds: 42, note: null, ref: 'c-1' });
  assert.deepEqual(seen[1]?.body, {
    subject: 'Call from +13125550123',
    seconds: 42,
    note: 'ordered',
    ref: 'c-1',
  });
});

test('429 is retried after its Retry-After; 400 is not', async () => {
  const [config] = parseProviders(JSON.stringify(entry(good())), { CRM_TOKEN: 'tok' });
  assert.ok(config);
  const writer = createWriter(config, clock);
  assert.ok(writer);
  status = 429;
  const limited = await writer.write(record, null, new AbortController().signal).catch((e: unknown) => e);
  status = 400;
  const invalid = await writer.write(record, null, new AbortController().signal).catch((e: unknown) => e);
  status = 201;
  assert.ok(limited instanceof CrmWriteError && invalid instanceof CrmWriteError);
  assert.deepEqual([limited.retryable, limited.status, limited.retryAfterSeconds], [true, 429, 7]);
  assert.deepEqual([invalid.retryable, invalid.status], [false, 400]);
});
