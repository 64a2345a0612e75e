// CRM call logging on each database: an ended call's card → outbox row "crm:hubspot" → the real HubSpot writer
// against the local fake → the CRM's id remembered; notes update the same record; a create whose answer was lost is
// found again, not duplicated; a refused write is shown failed and a retry writes it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CrmLog } from '../crmlog/crm-log.ts';
import type { Call } from '../calls/types.ts';
import { parseProviders } from '../lookup/providers/provider-config.ts';
import { createWriter } from '../lookup/providers/provider-kinds.ts';
import { startFakeHubSpot } from '../lookup/testing/hubspot-fake.ts';
import type { FakeHubSpot } from '../lookup/testing/hubspot-fake.ts';
import { buildCard } from '../pops/card-builder.ts';
import { call, leg } from '../pops/testing/calls.ts';
import type { Card } from '../shared/messages.ts';
import type { Store } from '../store/store.ts';
import { manualClock, storeTargets } from '../store/testing/targets.ts';

const silent = { info: () => {}, warn: () => {} };
let hub: FakeHubSpot;
let ada: string;
before(async () => {
  hub = await startFakeHubSpot();
  ada = hub.add('contacts', { firstname: 'Ada', lastname: 'Lovelace', phone: '+13125550140' });
});
after(() => hub.close());

function ended(id: string, start: number): Call {
  return call({
    id,
    phase: 'ended',
    outcome: 'answered',
    legs: [leg('line-2101', 'gone', 'Dana')],
    answeredBy: 'line-2101',
    startedAt: start,
    answeredAt: start + 5_000,
    endedAt: start + 65_000,
    version: 3,
  });
}

function endedCard(c: Call, contactId: string): Card {
  const contact = {
    id: `provider:hubspot:${contactId}`,
    name: 'Ada Lovelace',
    company: null,
    email: null,
    tier: null,
    tags: [],
    recordUrl: null,
    tickets: [],
    appointments: [],
  };
  return buildCard({
    call: c,
    version: c.version,
    notes: null,
    enrichment: {
      lookup: {
        status: 'done',
        matches: [{ contact, score: 0.9, reason: 'from CRM', pinned: false }],
        unknownReason: null,
      },
      history: { lastCall: null, callsLast30Days: 0 },
      urgency: { level: 'none', reason: null },
      links: [],
    },
  });
}

function callsOf(callId: string) {
  return [...hub.objects.calls.values()].filter((c) => c.properties.hs_call_external_id === callId);
}

for (const target of storeTargets()) {
  describe(`CRM call logging on ${target.name}`, { skip: target.skip }, () => {
    let store: Store;
    const clock = manualClock();
    after(() => target.cleanup());

    function crmLog(): CrmLog {
      const [config] = parseProviders(
        JSON.stringify([{ type: 'hubspot', name: 'hubspot', token: '${T}', apiUrl: hub.url, portalId: 99 }]),
        { T: hub.token },
      );
      assert.ok(config);
      const writer = createWriter(config, clock);
      assert.ok(writer);
      return new CrmLog({
        writers: [writer],
        outbox: store.webhooks,
        records: store.crmRecords,
        callLog: store.callLog,
        logged: async () => {},
        clock,
        log: silent,
        random: () => 0.5,
      });
    }

    async function endCall(log: CrmLog, id: string, contactId = ada): Promise<void> {
      const c = ended(`${target.name}-${id}`, clock.now());
      await store.callLog.writeEndedCall(c);
      log.cardPublished(endedCard(c, contactId));
      await log.settled();
    }

    test('open', async () => {
      store = await target.open(clock);
    });

    test('an ended call is logged once; saved notes update the same record', async () => {
      const log = crmLog();
      const callId = `${target.name}-a`;
      await endCall(log, 'a');
      assert.equal(await log.deliverDue(), 1);
      assert.equal(callsOf(callId).length, 1);
      assert.deepEqual(callsOf(callId)[0]?.associations.contacts, [ada]);
      await store.callLog.setNotes(callId, { notes: 'Part ordered', disposition: 'resolved', by: 'dana@x' });
      log.notesSaved(callId);
      await log.settled();
      clock.advance(1);
      assert.equal(await log.deliverDue(), 1);
      assert.equal(callsOf(callId).length, 1, 'updated, not created again');
      assert.match(callsOf(callId)[0]?.properties.hs_call_body ?? '', /Part ordered/);
      const [status] = (await log.status([callId])).get(callId) ?? [];
      assert.deepEqual(
        [status?.status, status?.error, status?.attempts, status?.url],
        ['logged', null, 2, `https://app.hubspot.com/contacts/99/record/0-1/${ada}`],
      );
    });

    test('a create whose answer was lost (killed in between) is found by its call id, not made twice', async () => {
      const log = crmLog();
      const callId = `${target.name}-b`;
      await endCall(log, 'b');
      // As if the last process sent the create, HubSpot wrote it, and the process died before saving the id.
      await store.crmRecords.attempting(callId, 'hubspot', clock.now());
      hub.add(
        'calls',
        { hs_call_external_id: callId, hs_timestamp: '2026-01-01T00:00:00Z' },
        { contacts: [ada] },
      );
      assert.equal(await log.deliverDue(), 1);
      assert.equal(callsOf(callId).length, 1);
      const link = await store.crmRecords.get(callId, 'hubspot');
      assert.equal(link?.crmId, callsOf(callId)[0]?.id);
      assert.equal(link?.uncertain, false);
    });

    test('a rate limit is retried after its wait; a refused write is shown failed until a person retries', async () => {
      const log = crmLog();
      const callId = `${target.name}-c`;
      hub.rateLimitNext(1);
      await endCall(log, 'c');
      assert.equal(await log.deliverDue(), 1);
      let [status] = (await log.status([callId])).get(callId) ?? [];
      assert.deepEqual([status?.status, status?.attempts], ['pending', 1]);
      assert.match(status?.error ?? '', /429/);
      assert.equal(await log.deliverDue(), 0, 'not before its back-off');
      clock.advance(10_000);
      assert.equal(await log.deliverDue(), 1);
      assert.equal(callsOf(callId).length, 1);

      const gone = `${target.name}-d`;
      const saved = hub.objects.contacts.get(ada);
      assert.ok(saved);
      hub.objects.contacts.delete(ada); // HubSpot refuses the association: 400, not worth retrying by itself
      await endCall(log, 'd');
      assert.equal(await log.deliverDue(), 1);
      [status] = (await log.status([gone])).get(gone) ?? [];
      assert.equal(status?.status, 'failed');
      assert.match(status?.error ?? '', /HubSpot HTTP 400 VALIDATION_ERROR/);
      clock.advance(3_600_000);
      assert.equal(await log.deliverDue(), 0, 'a failed write waits for a person');
      hub.objects.contacts.set(ada, saved);
      assert.equal(await log.retry(gone, 'hubspot'), true);
      assert.equal(await log.retry(gone, 'nope'), false);
      assert.equal(await log.deliverDue(), 1);
      [status] = (await log.status([gone])).get(gone) ?? [];
      assert.equal(status?.status, 'logged');
      assert.equal(callsOf(gone).length, 1);
    });

    test('close', async () => {
      await store.close();
    });
  });
}
