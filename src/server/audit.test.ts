import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { auditCsv, neutralizeCell } from './audit.ts';
import { harness } from './testing/harness.ts';
import { call, leg } from '../pops/testing/calls.ts';
import { storeTargets } from '../store/testing/targets.ts';

const sqlite = storeTargets({ TEST_STORES: 'sqlite' })[0]!;
after(() => sqlite.cleanup());

test('cells a spreadsheet would run as a formula become text', () => {
  for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) {
    assert.equal(neutralizeCell(formula), `'${formula}`);
  }
  assert.equal(neutralizeCell('Dana = nice'), 'Dana = nice');
  const csv = auditCsv([
    {
      id: 1,
      at: 0,
      actor: 'a@x',
      action: 'contact.created',
      targetType: 'contact',
      targetId: '7',
      detail: 'A, "B"\nC',
    },
  ]);
  assert.equal(
    csv,
    'time,actor,action,target_type,target_id,detail\r\n' +
      '1970-01-01T00:00:00.000Z,a@x,contact.created,contact,7,"A, ""B""\nC"\r\n',
  );
});

test('a card shown to an agent is logged once per call, whatever the updates, tabs and reloads', async () => {
  const store = await sqlite.open();
  const h = await harness({ audit: store.audit });
  h.publicUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const cookie = await h.signInAs('dana@x', ['line-1']);
  await h.signInAs('eli@x', ['line-2']);
  const tabs = [0, 1].map(
    () =>
      new WebSocket(`${h.publicUrl.replace('http', 'ws')}/api/push`, {
        headers: { cookie, origin: h.publicUrl },
      }),
  );
  const cards = tabs.map((tab) => {
    let n = 0;
    tab.on('message', (data) => {
      n += String(data).startsWith('{"type":"card"') ? 1 : 0;
    });
    return () => n;
  });
  await Promise.all(tabs.map((tab) => new Promise((resolve) => tab.once('message', resolve))));
  const ring = (phase: 'ringing' | 'connected') =>
    h.pops.onCallChange({
      call: call({
        id: 'call-a',
        phase,
        legs: [leg('line-1', phase)],
        caller: { ...call().caller, e164: '+13125550140' },
      }),
      previous: null,
      reasons: [phase],
    });
  ring('ringing');
  ring('connected');
  for (let i = 0; i < 500 && cards.some((n) => n() < 2); i += 1) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await h.app.inject({ method: 'GET', url: '/api/cards', headers: { cookie } });
  const viewed = async () =>
    (await store.audit.listAudit({ limit: 10 })).filter((e) => e.action === 'card.viewed');
  for (let i = 0; i < 500 && (await viewed()).length === 0; i += 1) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const entries = await viewed();
  assert.deepEqual(
    entries.map((e) => [e.actor, e.targetId, e.detail]),
    [['dana@x', 'call-a', '+13125550140']],
  );
  for (const tab of tabs) {
    tab.close();
  }
  await h.close();
});
