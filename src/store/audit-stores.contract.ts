// Contracts of the record-keeping ports: note revisions and the audit log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from './store.ts';

export function auditStoresContract(open: () => Promise<Store>): void {
  test('note revisions: every save kept per call, oldest first, with author and time', async () => {
    const { noteRevisions } = await open();
    assert.deepEqual(await noteRevisions.noteRevisions('call-1'), []);
    const first = { callId: 'call-1', notes: 'call back', disposition: 'follow-up', by: 'aiko@x', at: 1_000 };
    const second = { callId: 'call-1', notes: null, disposition: null, by: 'marcus@x', at: 2_000 };
    await noteRevisions.addNoteRevision(first);
    await noteRevisions.addNoteRevision({ ...first, callId: 'call-2' });
    await noteRevisions.addNoteRevision(second);
    assert.deepEqual(await noteRevisions.noteRevisions('call-1'), [first, second]);
    assert.equal((await noteRevisions.noteRevisions('call-2')).length, 1);
  });

  test('audit log: entries newest first with increasing ids, paged back by id', async () => {
    const { audit } = await open();
    assert.deepEqual(await audit.listAudit({ limit: 10 }), []);
    const base = { actor: 'aiko@x', targetType: 'contact', detail: null } as const;
    await audit.record({ ...base, at: 1_000, action: 'contact.created', targetId: '1' });
    await audit.record({ ...base, at: 2_000, action: 'contact.updated', targetId: '1' });
    await audit.record({ ...base, at: 3_000, action: 'contact.deleted', targetId: '1', detail: 'Dana' });
    const all = await audit.listAudit({ limit: 10 });
    assert.deepEqual(
      all.map((e) => [e.action, e.at, e.detail]),
      [
        ['contact.deleted', 3_000, 'Dana'],
        ['contact.updated', 2_000, null],
        ['contact.created', 1_000, null],
      ],
    );
    assert.ok(all[0]!.id > all[1]!.id && all[1]!.id > all[2]!.id);
    assert.deepEqual(all[0], {
      ...base,
      id: all[0]!.id,
      at: 3_000,
      action: 'contact.deleted',
      targetId: '1',
      detail: 'Dana',
    });
    const older = await audit.listAudit({ limit: 1, beforeId: all[0]!.id });
    assert.deepEqual(
      older.map((e) => e.action),
      ['contact.updated'],
    );
  });
}
