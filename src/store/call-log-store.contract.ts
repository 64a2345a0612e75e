// The CallLogStore contract: writeEndedCall mapping and idempotence, notes, filters, per-number history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../calls/types.ts';
import type { CallLogStore, ContactStore } from '../lookup/ports.ts';

const base: Call = {
  id: 'call-1',
  source: 'call-events',
  accountKey: '123',
  direction: 'inbound',
  caller: { e164: '+13125550140', raw: '3125550140', name: 'DANA W', withheld: false, extension: null },
  callee: null,
  dialed: '+18005550100',
  queue: null,
  legs: [
    { lineId: 'line-a', extension: '2101', name: 'Alex Front', state: 'gone', since: 1_000 },
    { lineId: 'line-b', extension: '2102', name: 'Bea Back', state: 'gone', since: 2_000 },
  ],
  answeredBy: 'line-b',
  phase: 'ended',
  outcome: 'answered',
  startedAt: 1_000,
  answeredAt: 1_500,
  endedAt: 9_000,
  associated: [],
  version: 7,
};

function call(id: string, patch: Partial<Call>): Call {
  return { ...base, id, ...patch };
}

/** `open` gives a new, empty call log; `openWithContacts` one with the contacts store of the same database. */
export function callLogStoreContract(
  open: () => Promise<CallLogStore>,
  openWithContacts: () => Promise<{ callLog: CallLogStore; contacts: ContactStore }>,
): void {
  test('writeEndedCall maps the call, naming who answered from the answering leg', async () => {
    const log = await open();
    await log.writeEndedCall(base);
    assert.deepEqual(await log.get('call-1'), {
      callId: 'call-1',
      direction: 'inbound',
      callerE164: '+13125550140',
      callerRaw: '3125550140',
      callerName: 'DANA W',
      withheld: false,
      dialed: '+18005550100',
      lineIds: ['line-a', 'line-b'],
      answeredBy: 'line-b',
      answeredByName: 'Bea Back',
      startedAt: 1_000,
      answeredAt: 1_500,
      endedAt: 9_000,
      outcome: 'answered',
      contactId: null,
      contactName: null,
      notes: null,
      disposition: null,
      notesBy: null,
      notesAt: null,
    });
    assert.equal(await log.get('nope'), null);
  });

  test('writing the same call again updates it and keeps the notes', async () => {
    const log = await open();
    await log.writeEndedCall(base);
    const noted = await log.setNotes('call-1', {
      notes: 'wants a refund',
      disposition: 'refund',
      by: 'bea@x.example',
    });
    assert.equal(noted?.notes, 'wants a refund');
    assert.equal(noted?.notesBy, 'bea@x.example');
    assert.ok((noted?.notesAt ?? 0) > 0);
    await log.writeEndedCall({ ...base, endedAt: 9_500 });
    const again = await log.get('call-1');
    assert.equal(again?.endedAt, 9_500);
    assert.equal(again?.notes, 'wants a refund');
    assert.equal(again?.disposition, 'refund');
    assert.equal((await log.list({ limit: 10 })).length, 1);
  });

  test('setNotes on an unknown call gives null', async () => {
    const log = await open();
    assert.equal(await log.setNotes('ghost', { notes: 'x', disposition: null, by: 'a' }), null);
  });

  test('list filters by number, outcome, line, text and time, newest first', async () => {
    const log = await open();
    await log.writeEndedCall(call('c1', { startedAt: 1_000 }));
    await log.writeEndedCall(
      call('c2', {
        startedAt: 2_000,
        answeredBy: null,
        answeredAt: null,
        outcome: 'missed',
        legs: [{ lineId: 'line-c', extension: null, name: null, state: 'gone', since: 2_000 }],
      }),
    );
    await log.writeEndedCall(
      call('c3', {
        startedAt: 3_000,
        caller: { e164: null, raw: 'Anonymous', name: null, withheld: true, extension: null },
        outcome: 'abandoned',
        answeredBy: null,
        legs: [],
      }),
    );
    const ids = async (q: Parameters<CallLogStore['list']>[0]) => (await log.list(q)).map((e) => e.callId);
    assert.deepEqual(await ids({ limit: 10 }), ['c3', 'c2', 'c1']);
    assert.deepEqual(await ids({ limit: 2 }), ['c3', 'c2']);
    assert.deepEqual(await ids({ callerE164: '+13125550140', limit: 10 }), ['c2', 'c1']);
    assert.deepEqual(await ids({ outcome: 'missed', limit: 10 }), ['c2']);
    assert.deepEqual(await ids({ lineId: 'line-a', limit: 10 }), ['c1']);
    assert.deepEqual(await ids({ lineId: 'line', limit: 10 }), []);
    assert.deepEqual(await ids({ text: 'anonym', limit: 10 }), ['c3']);
    assert.deepEqual(await ids({ text: 'bea back', limit: 10 }), ['c1']);
    assert.deepEqual(await ids({ before: 3_000, limit: 10 }), ['c2', 'c1']);
    const withheld = await log.get('c3');
    assert.equal(withheld?.withheld, true);
    assert.equal(withheld?.outcome, 'abandoned');
  });

  test('history counts calls since a time and lists the latest ones', async () => {
    const log = await open();
    for (let i = 1; i <= 5; i++) {
      await log.writeEndedCall(call(`h${i}`, { startedAt: i * 1_000, endedAt: i * 1_000 + 500 }));
    }
    await log.writeEndedCall(
      call('other', { caller: { ...base.caller, e164: '+14155550100' }, startedAt: 10_000 }),
    );
    const history = await log.history('+13125550140', 3_000, 2);
    assert.equal(history.count, 3);
    assert.equal(history.last?.callId, 'h5');
    assert.deepEqual(
      history.recent.map((e) => e.callId),
      ['h5', 'h4'],
    );
    const none = await log.history('+19999999999', 0, 5);
    assert.deepEqual(none, { last: null, count: 0, recent: [] });
  });

  test('linkContact links a logged call; list and get name the contact; a rewrite keeps the link', async () => {
    const { callLog, contacts } = await openWithContacts();
    const dana = await contacts.create({ name: 'Dana Whitfield' });
    await callLog.writeEndedCall(base);
    await callLog.linkContact('call-1', dana.id);
    await callLog.linkContact('not-logged', dana.id);
    const linked = await callLog.get('call-1');
    assert.equal(linked?.contactId, dana.id);
    assert.equal(linked?.contactName, 'Dana Whitfield');
    assert.equal(linked?.callerName, 'DANA W');
    assert.equal(await callLog.get('not-logged'), null);
    assert.deepEqual(
      (await callLog.list({ limit: 10 })).map((e) => [e.callId, e.contactName]),
      [['call-1', 'Dana Whitfield']],
    );
    assert.deepEqual(
      (await callLog.list({ text: 'whitfield', limit: 10 })).map((e) => e.callId),
      ['call-1'],
    );
    await callLog.writeEndedCall({ ...base, endedAt: 9_900 });
    assert.equal((await callLog.get('call-1'))?.contactId, dana.id);
    await contacts.update(dana.id, { name: 'Dana W. Whitfield' });
    assert.equal((await callLog.get('call-1'))?.contactName, 'Dana W. Whitfield');
  });

  test('a link to a contact that is gone, or not a store id, names nobody', async () => {
    const { callLog, contacts } = await openWithContacts();
    const gone = await contacts.create({ name: 'Gone' });
    await callLog.writeEndedCall(call('c1', {}));
    await callLog.writeEndedCall(call('c2', { startedAt: 2_000 }));
    await callLog.linkContact('c1', gone.id);
    await callLog.linkContact('c2', 'hubspot:42');
    await contacts.delete(gone.id);
    const entries = await callLog.list({ limit: 10 });
    assert.deepEqual(
      entries.map((e) => [e.callId, e.contactId, e.contactName]),
      [
        ['c2', 'hubspot:42', null],
        ['c1', gone.id, null],
      ],
    );
  });

  test('linkUnlinked links the calls of one number that have no contact, and leaves the others', async () => {
    const { callLog, contacts } = await openWithContacts();
    const a = await contacts.create({ name: 'A' });
    const b = await contacts.create({ name: 'B' });
    await callLog.writeEndedCall(call('mine-1', { startedAt: 1_000 }));
    await callLog.writeEndedCall(call('mine-2', { startedAt: 2_000 }));
    await callLog.writeEndedCall(
      call('other', { caller: { ...base.caller, e164: '+14155550100' }, startedAt: 3_000 }),
    );
    await callLog.linkContact('mine-2', a.id);
    assert.equal(await callLog.linkUnlinked('+13125550140', b.id), 1);
    const byId = new Map((await callLog.list({ limit: 10 })).map((e) => [e.callId, e.contactId]));
    assert.deepEqual(Object.fromEntries(byId), { 'mine-1': b.id, 'mine-2': a.id, other: null });
    assert.equal(await callLog.linkUnlinked('+13125550140', b.id), 0);
  });
}
