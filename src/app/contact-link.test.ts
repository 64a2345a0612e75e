import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { systemClock } from '../calls/ports.ts';
import type { Call } from '../calls/types.ts';
import { cardLookup } from '../pops/card-lookup.ts';
import { createCallerLookup } from '../lookup/caller-lookup.ts';
import { AgentDirectory } from '../pops/audience.ts';
import { MemoryPushHub } from '../pops/memory-push-hub.ts';
import { PopService } from '../pops/pop-service.ts';
import { agent, call, leg } from '../pops/testing/calls.ts';
import { registerDataRoutes } from '../server/routes/data/data-routes.ts';
import type { Card, CardMatch } from '../shared/messages.ts';
import type { Store } from '../store/store.ts';
import { storeTargets, testPhone } from '../store/testing/targets.ts';
import { ContactLinker, shownContactId } from './contact-link.ts';

const silent = { debug: () => {}, warn: () => {} };
const ringing = call({ id: 'c-1', legs: [leg('line-1', 'ringing')] });
const ended: Call = {
  ...ringing,
  phase: 'ended',
  outcome: 'answered',
  answeredBy: 'line-1',
  answeredAt: 2_000,
  endedAt: 9_000,
  legs: [leg('line-1', 'gone', 'Alex')],
};

/** Runs a call from ringing to ended through the real lookup and pop service; the linker listens to the cards. */
async function runCall(store: Store): Promise<Card> {
  const lookup = createCallerLookup({ ...store, budgetMs: 2_000, phone: testPhone, clock: systemClock });
  const directory = new AgentDirectory([]);
  directory.put(agent('dana@x', ['line-1']));
  const hub = new MemoryPushHub();
  // The tracker writes an ended call after a settle delay: the linker must wait for it (flush) before linking.
  let write: Promise<void> | null = null;
  const logged = (): Promise<void> => {
    write ??= new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
      store.callLog.writeEndedCall(ended),
    );
    return write;
  };
  const linker = new ContactLinker({ callLog: store.callLog, pins: store.pins, logged, log: silent });
  const pops = new PopService({
    directory,
    hub,
    lookup: cardLookup(lookup),
    log: silent,
    published: (card) => linker.cardPublished(card),
  });
  try {
    pops.onCallChange({ call: ringing, previous: null, reasons: ['created'] });
    pops.onCallChange({ call: ended, previous: ringing, reasons: ['ended'] });
    const deadline = Date.now() + 5_000;
    while (hub.cards('dana@x')[0]?.lookup.status === 'pending' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await linker.settled();
    await logged(); // the tracker writes every ended call, linked or not
    const card = hub.cards('dana@x')[0];
    assert.ok(card !== undefined && card.lookup.status !== 'pending');
    return card;
  } finally {
    pops.close();
    lookup.close();
  }
}

const match = (id: string, score: number, pinned = false): CardMatch => ({
  contact: {
    id,
    name: id,
    company: null,
    email: null,
    tier: null,
    tags: [],
    recordUrl: null,
    tickets: [],
    appointments: [],
  },
  score,
  reason: pinned ? 'pinned' : 'exact E.164',
  pinned,
});
const withMatches = (matches: CardMatch[]): Card =>
  ({ lookup: { status: 'done', matches, unknownReason: null } }) as unknown as Card;

test('the card showed the pinned match, else the single best one; a tie at the top or nothing is null', () => {
  assert.equal(shownContactId(withMatches([match('a', 0.9), match('b', 0.4, true)])), 'b');
  assert.equal(shownContactId(withMatches([match('a', 0.9), match('b', 0.6)])), 'a');
  assert.equal(shownContactId(withMatches([match('a', 0.9), match('b', 0.9), match('c', 0.2)])), null);
  assert.equal(shownContactId(withMatches([])), null);
});

for (const target of storeTargets()) {
  describe(`linking ended calls to contacts on ${target.name}`, { skip: target.skip }, () => {
    after(() => target.cleanup());

    test('an ended call with one exact match is linked once the call is logged', async () => {
      const store = await target.open();
      const dana = await store.contacts.create({
        name: 'Dana Whitfield',
        phones: [{ raw: '(312) 555-0140' }],
      });
      await store.contacts.create({ name: 'Someone Else', phones: [{ raw: '(415) 555-0100' }] });
      const card = await runCall(store);
      assert.equal(card.lookup.matches.length, 1);
      const entry = await store.callLog.get('c-1');
      assert.equal(entry?.contactId, dana.id);
      assert.equal(entry?.contactName, 'Dana Whitfield');
      assert.equal(entry?.callerName, 'ACME CORP');
    });

    test('two contacts tied on the number leave the call unlinked; pinning one back-fills it', async () => {
      const store = await target.open();
      const a = await store.contacts.create({ name: 'Dana at home', phones: [{ raw: '312 555 0140' }] });
      await store.contacts.create({ name: 'Dana at work', phones: [{ raw: '+1 312 555 0140' }] });
      const card = await runCall(store);
      assert.equal(card.lookup.matches.length, 2);
      assert.equal((await store.callLog.get('c-1'))?.contactId, null);
      const api = Fastify();
      await registerDataRoutes(api, { store, phone: testPhone, principal: () => 'dana@x' });
      const pin = { e164: '+13125550140', contactId: a.id };
      assert.equal((await api.inject({ method: 'POST', url: '/api/pins', payload: pin })).statusCode, 204);
      await api.close();
      const entry = await store.callLog.get('c-1');
      assert.equal(entry?.contactId, a.id);
      assert.equal(entry?.contactName, 'Dana at home');
    });

    test('a number pinned before the call ends links to the pinned contact, not the best score', async () => {
      const store = await target.open();
      await store.contacts.create({ name: 'Exact', phones: [{ raw: '312 555 0140' }] });
      const pinned = await store.contacts.create({ name: 'Pinned', phones: [{ raw: '555 0140' }] });
      await store.pins.setPin('+13125550140', pinned.id, 'dana@x');
      await runCall(store);
      assert.equal((await store.callLog.get('c-1'))?.contactId, pinned.id);
    });
  });
}
