// Contracts of the small ports: pins, secrets, agents, sessions, the CRM call records' counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from './store.ts';
import type { AgentSettings } from './ports.ts';

export function smallStoresContract(open: () => Promise<Store>): void {
  test('pins: set, overwrite, read and clear; a pin goes when its contact goes', async () => {
    const store = await open();
    const a = await store.contacts.create({ name: 'A' });
    const b = await store.contacts.create({ name: 'B' });
    assert.equal(await store.pins.getPin('+13125550140'), null);
    await store.pins.setPin('+13125550140', a.id, 'dana@x.example');
    await store.pins.setPin('+13125550140', b.id, 'eli@x.example');
    const pin = await store.pins.getPin('+13125550140');
    assert.equal(pin?.contactId, b.id);
    assert.equal(pin?.by, 'eli@x.example');
    assert.ok((pin?.at ?? 0) > 0);
    await store.contacts.delete(b.id);
    assert.equal(await store.pins.getPin('+13125550140'), null);
    await store.pins.setPin('+13125550141', a.id, 'dana@x.example');
    await store.pins.clearPin('+13125550141');
    assert.equal(await store.pins.getPin('+13125550141'), null);
  });

  test('pins: pinning a contact that does not exist is refused', async () => {
    const store = await open();
    await assert.rejects(store.pins.setPin('+13125550140', '999999', 'x'));
    await assert.rejects(store.pins.setPin('+13125550140', 'abc', 'x'));
  });

  test('secrets: put, overwrite, get and delete', async () => {
    const { secrets } = await open();
    assert.equal(await secrets.getSecret('goto'), null);
    await secrets.putSecret('goto', 'blob-1');
    await secrets.putSecret('goto', 'blob-2');
    assert.equal(await secrets.getSecret('goto'), 'blob-2');
    await secrets.deleteSecret('goto');
    assert.equal(await secrets.getSecret('goto'), null);
  });

  test('secrets: putSecretIfAbsent keeps the first value of racing writers and returns it to each', async () => {
    const { secrets } = await open();
    const results = await Promise.all(
      ['k-1', 'k-2', 'k-3'].map((v) => secrets.putSecretIfAbsent('login', v)),
    );
    const kept = await secrets.getSecret('login');
    assert.ok(kept !== null && ['k-1', 'k-2', 'k-3'].includes(kept));
    assert.deepEqual(results, [kept, kept, kept]);
  });

  test('agents: save, replace and list settings', async () => {
    const { agents } = await open();
    const dana: AgentSettings = {
      principal: 'dana@x.example',
      displayName: 'Dana',
      lines: [{ id: 'line-a', extension: '2101', name: 'Dana desk' }],
      popLines: null,
      desktopNotifications: true,
      role: 'agent',
    };
    await agents.saveAgent(dana);
    await agents.saveAgent({ ...dana, popLines: ['line-a'] });
    await agents.saveAgent({ ...dana, principal: 'abe@x.example', role: 'supervisor' });
    assert.deepEqual(await agents.getAgent('dana@x.example'), { ...dana, popLines: ['line-a'] });
    assert.equal(await agents.getAgent('nobody'), null);
    assert.deepEqual(
      (await agents.listAgents()).map((a) => a.principal),
      ['abe@x.example', 'dana@x.example'],
    );
  });

  test('sessions: create, read, delete, and sweep the expired ones', async () => {
    const { sessions } = await open();
    await sessions.createSession({
      id: 's1',
      principal: 'dana@x.example',
      createdAt: 1_000,
      expiresAt: 5_000,
    });
    await sessions.createSession({
      id: 's2',
      principal: 'eli@x.example',
      createdAt: 1_000,
      expiresAt: 9_000,
    });
    assert.deepEqual(await sessions.getSession('s1'), {
      id: 's1',
      principal: 'dana@x.example',
      createdAt: 1_000,
      expiresAt: 5_000,
    });
    assert.equal(await sessions.deleteExpiredSessions(6_000), 1);
    assert.equal(await sessions.getSession('s1'), null);
    await sessions.deleteSession('s2');
    assert.equal(await sessions.getSession('s2'), null);
  });

  test('CRM call records: counts per provider and state, since a time', async () => {
    const { crmRecords } = await open();
    const T = 1_700_000_000_000;
    await crmRecords.queued('count-1', 'counts-a', null, T - 10);
    await crmRecords.queued('count-2', 'counts-a', null, T);
    await crmRecords.queued('count-3', 'counts-a', null, T);
    await crmRecords.queued('count-4', 'counts-a', null, T);
    await crmRecords.queued('count-1', 'counts-b', null, T);
    await crmRecords.logged('count-2', 'counts-a', { id: 'r2', url: null }, T + 1);
    await crmRecords.failed(
      'count-3',
      'counts-a',
      { error: 'HTTP 400', answered: true, gaveUp: true },
      T + 1,
    );
    const counts = await crmRecords.counts(T);
    assert.deepEqual(counts.get('counts-a'), { logged: 1, failed: 1, pending: 1 }, 'count-1 is older than T');
    assert.deepEqual(counts.get('counts-b'), { logged: 0, failed: 0, pending: 1 });
    assert.equal((await crmRecords.counts(T + 2)).get('counts-a'), undefined);
  });
}
