// Spec: Call Events Report — subscriptions, REPORT_SUMMARY after the delay, reports and summaries shapes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../index.ts';
import { fixture } from '../testing/fixtures.ts';
import { shapeDiff } from '../testing/shape.ts';
import {
  adminToken,
  api,
  fastSimulator,
  placeCall,
  subscribedChannel,
  waitEnding,
} from './testing/support.ts';
import type { Frame, FrameCollector } from './testing/support.ts';

const ACCOUNT = '4718093562201847735';
let sim: RunningSimulator;
let token: string;
let channelId: string;
let collector: FrameCollector;

before(async () => {
  sim = await fastSimulator({ reportDelaySeconds: 150 });
  token = await adminToken(sim);
  ({ channelId, collector } = await subscribedChannel(sim, token));
});

after(async () => {
  collector.close();
  await sim.close();
});

const isSummaryOf = (id: string) => (f: Frame) =>
  f.data?.['type'] === 'REPORT_SUMMARY' &&
  (f.data['content'] as { conversationSpaceId?: string }).conversationSpaceId === id;

test('subscribing a channel to REPORT_SUMMARY answers 201 like the fixture and reads back', async () => {
  const created = await api(sim, 'POST', '/call-events-report/v1/subscriptions', token, {
    channelId,
    accountKeys: [ACCOUNT],
    eventTypes: ['REPORT_SUMMARY'],
  });
  assert.equal(created.status, 201);
  const items = (created.body as { items: { value: string; channelId: string }[] }).items;
  assert.deepEqual(
    items.map((i) => [i.value, i.channelId]),
    [[ACCOUNT, channelId]],
  );
  assert.deepEqual(shapeDiff(created.body, await fixture('reports/subscribe-201.json')), []);
  const read = await api(sim, 'GET', `/call-events-report/v1/subscriptions?channelId=${channelId}`, token);
  assert.equal(read.status, 200);
  assert.deepEqual(read.body, { accountKeys: [ACCOUNT], userKeys: [], lineIds: [], phoneNumberIds: [] });
});

test('a report subscription rejects other event types and a missing channelId with 400', async () => {
  const wrongType = await api(sim, 'POST', '/call-events-report/v1/subscriptions', token, {
    channelId,
    accountKeys: [ACCOUNT],
    eventTypes: ['STARTING'],
  });
  assert.equal(wrongType.status, 400);
  const noChannel = await api(sim, 'GET', '/call-events-report/v1/subscriptions', token);
  assert.equal(noChannel.status, 400);
});

test('a report is 404 until REPORT_SUMMARY arrives, then has the fixture shape', async () => {
  const placed = await placeCall(sim, {
    scenario: 'queue',
    from: '7735550123',
    to: '+13125550140',
    answeredBy: '2103',
  });
  const id = String(placed['conversationSpaceId']);
  await waitEnding(collector, id);
  const early = await api(sim, 'GET', `/call-events-report/v1/reports/${id}`, token);
  assert.equal(early.status, 404);
  const frame = await collector.waitFor(isSummaryOf(id));
  const { eventId: _a, ...actualFrame } = frame;
  const { eventId: _b, ...expectedFrame } = (await fixture(
    'reports/report-summary-notification.json',
  )) as Frame;
  assert.deepEqual(shapeDiff(actualFrame, expectedFrame), []);
  const report = await api(sim, 'GET', `/call-events-report/v1/reports/${id}`, token);
  assert.equal(report.status, 200);
  assert.deepEqual(shapeDiff(report.body, await fixture('reports/report-call-a.json')), []);
  const body = report.body as { participants: { type: { value: string; extensionNumber?: string } }[] };
  const agent = body.participants.find((p) => p.type.value === 'AGENT');
  assert.equal(agent?.type.extensionNumber, '2103');
});

test('a missed call report has no hangupOriginatorId, like report-call-b', async () => {
  const placed = await placeCall(sim, { scenario: 'missed', from: '8155550162', to: '+13125550177' });
  const id = String(placed['conversationSpaceId']);
  await collector.waitFor(isSummaryOf(id));
  const report = await api(sim, 'GET', `/call-events-report/v1/reports/${id}`, token);
  assert.deepEqual(shapeDiff(report.body, await fixture('reports/report-call-b.json')), []);
  assert.equal(Object.hasOwn(report.body as object, 'hangupOriginatorId'), false);
});

test('report summaries list finished calls newest first, paged, with the fixture shape', async () => {
  const placed = await placeCall(sim, { scenario: 'outbound', from: '2101', to: '6305550188' });
  await collector.waitFor(isSummaryOf(String(placed['conversationSpaceId'])));
  const now = Date.now() + 86_400_000;
  const window = `startTime=${new Date(now - 20 * 86_400_000).toISOString()}&endTime=${new Date(now).toISOString()}`;
  const all = await api(
    sim,
    'GET',
    `/call-events-report/v1/report-summaries?accountKey=${ACCOUNT}&${window}`,
    token,
  );
  assert.equal(all.status, 200);
  const items = (all.body as { items: { conversationSpaceId: string; callCreated: string }[] }).items;
  assert.ok(items.length >= 3);
  assert.equal(items[0]?.conversationSpaceId, placed['conversationSpaceId']);
  assert.deepEqual(shapeDiff(all.body, await fixture('reports/report-summaries-page.json')), [
    '$.nextPageMarker: missing (expected string)',
  ]);
  const page1 = await api(
    sim,
    'GET',
    `/call-events-report/v1/report-summaries?accountKey=${ACCOUNT}&${window}&pageSize=2`,
    token,
  );
  const marker = (page1.body as { nextPageMarker?: string }).nextPageMarker;
  assert.equal(typeof marker, 'string');
  const page2 = await api(
    sim,
    'GET',
    `/call-events-report/v1/report-summaries?accountKey=${ACCOUNT}&${window}&pageSize=2&pageMarker=${marker}`,
    token,
  );
  assert.equal(
    (page2.body as { items: unknown[] }).items.length,
    items.length - 2 > 2 ? 2 : items.length - 2,
  );
});

test('report summaries need startTime and endTime at most 31 days apart', async () => {
  const missing = await api(
    sim,
    'GET',
    `/call-events-report/v1/report-summaries?accountKey=${ACCOUNT}`,
    token,
  );
  assert.equal(missing.status, 400);
  assert.deepEqual((missing.body as { constraints: unknown[] }).constraints, [
    { field: 'startTime', constraint: 'REQUIRED' },
    { field: 'endTime', constraint: 'REQUIRED' },
  ]);
  const tooLong = await api(
    sim,
    'GET',
    `/call-events-report/v1/report-summaries?startTime=2026-01-01T00:00:00Z&endTime=2026-02-02T00:00:00Z`,
    token,
  );
  assert.equal(tooLong.status, 400);
});

test('deleting a report subscription answers 204, then 404', async () => {
  const url = `/call-events-report/v1/subscriptions?channelId=${channelId}&accountKey=${ACCOUNT}`;
  assert.equal((await api(sim, 'DELETE', url, token)).status, 204);
  assert.equal((await api(sim, 'DELETE', url, token)).status, 404);
});
