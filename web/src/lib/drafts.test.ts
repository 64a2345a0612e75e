import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearDraft, loadDraft, saveDraft } from './drafts.ts';
import type { DraftStorage } from './drafts.ts';

const memory = (): DraftStorage & { map: Map<string, string> } => {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
};

test('a saved draft loads back for its call only', () => {
  const s = memory();
  saveDraft(s, 'c1', { text: 'half a thought', disposition: 'follow-up' });
  assert.deepEqual(loadDraft(s, 'c1'), { text: 'half a thought', disposition: 'follow-up' });
  assert.equal(loadDraft(s, 'c2'), null);
});

test('clearing removes the draft', () => {
  const s = memory();
  saveDraft(s, 'c1', { text: 'x', disposition: '' });
  clearDraft(s, 'c1');
  assert.equal(loadDraft(s, 'c1'), null);
});

test('a corrupt entry is no draft', () => {
  const s = memory();
  s.map.set('screenpop:draft:c1', '{not json');
  assert.equal(loadDraft(s, 'c1'), null);
  s.map.set('screenpop:draft:c1', '{"text":3}');
  assert.equal(loadDraft(s, 'c1'), null);
});
