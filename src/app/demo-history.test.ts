// Spec of the demo call history, on a real SQLite store: returning callers with notes, linked to their contacts,
// one of them a repeat caller whose next call is urgent; written once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_URGENCY_RULES, evaluateUrgency } from '../lookup/urgency.ts';
import { loadDefaultDirectory } from '../simulator/directory/schema.ts';
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { knownNumber } from './demo-contacts.ts';
import { REPEAT_CALLER, seedDemoHistory } from './demo-history.ts';
import { demoLines, seedDemoContacts } from './demo.ts';

const NOW = Date.UTC(2026, 11, 4, 15, 0);
const MONTH_AGO = NOW - 30 * 86_400_000;
let dir: string;
let store: Store;
let written: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-history-'));
  store = await openStore({
    databaseUrl: null,
    dataDir: dir,
    phone: { defaultRegion: 'US', suffixDigits: 7 },
  });
  await seedDemoContacts(store.contacts, NOW);
  written = await seedDemoHistory(store, demoLines(await loadDefaultDirectory()), NOW);
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a first run writes the curated history; a second writes nothing', async () => {
  assert.ok(written >= 10, `${written} calls`);
  const all = await store.callLog.list({ limit: 100 });
  assert.equal(all.length, written);
  assert.equal(await seedDemoHistory(store, [], NOW), 0);
  assert.equal((await store.callLog.list({ limit: 100 })).length, written);
});

test('answered calls carry notes, a disposition, the answering agent, and the contact they came from', async () => {
  const all = await store.callLog.list({ limit: 100 });
  const answered = all.filter((e) => e.outcome === 'answered');
  assert.ok(answered.length > 0);
  for (const entry of answered) {
    assert.ok((entry.notes ?? '').length > 30, entry.callId);
    assert.doesNotMatch(entry.notes ?? '', /\d{10,}/, 'no timestamps in the notes');
    assert.ok(entry.disposition !== null && entry.answeredByName !== null, entry.callId);
    assert.match(entry.notesBy ?? '', /@northgate-appliance\.example$/);
  }
  const linked = all.filter((e) => e.contactId !== null);
  assert.ok(linked.length >= written - 1, 'every known caller is linked to the contact');
  assert.ok(all.every((e) => e.startedAt >= MONTH_AGO && e.startedAt < NOW));
});

test('the repeat caller’s next call is its 3rd in the hour: urgent, with the last notes on the card', async () => {
  const history = await store.callLog.history(REPEAT_CALLER.number, MONTH_AGO, 10);
  assert.equal(history.count, 3);
  assert.match(history.recent[0]?.notes ?? '', /inlet valve/);
  const urgency = evaluateUrgency(DEFAULT_URGENCY_RULES, {
    now: NOW,
    previous: history.recent,
    contact: null,
  });
  assert.deepEqual(urgency, { level: 'urgent', reason: '3rd call in 48 minutes' });
});

test('the callers the browser tests use (demo-3 to demo-9, demo-11, demo-15) have no history', async () => {
  for (const index of [3, 4, 5, 6, 7, 8, 9, 11, 15]) {
    const history = await store.callLog.history(knownNumber(index), MONTH_AGO, 1);
    assert.equal(history.count, 0, `demo-${index}`);
  }
});
