// Notices between instances over real PostgreSQL LISTEN/NOTIFY: others get them, the sender does not, a stray
// payload is rejected and counted. Skipped (with the reason) when TEST_DATABASE_URL is unset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CLUSTER_CHANNEL, PostgresNoticeBus } from './cluster-notices.ts';
import type { ClusterNotice } from './cluster-notices.ts';

const url = process.env['TEST_DATABASE_URL'] || undefined;
const skip = url === undefined ? 'TEST_DATABASE_URL is not set' : undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(probe: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe() && Date.now() < deadline) {
    await sleep(20);
  }
}

test(
  'a notice reaches the other instances, not its sender; a stray payload is rejected',
  { skip },
  async () => {
    // Test files share the database: instance names unique to this run keep other files' notices apart.
    const run = randomUUID().slice(0, 8);
    const got: Record<string, ClusterNotice[]> = { a: [], b: [] };
    const rejected: string[] = [];
    const open = (name: 'a' | 'b') =>
      PostgresNoticeBus.open({
        url: url ?? '',
        instance: `${name}-${run}`,
        rejected: (r) => rejected.push(r),
      });
    const [a, b] = await Promise.all([open('a'), open('b')]);
    try {
      a.onNotice((n) => got.a?.push(n));
      b.onNotice((n) => got.b?.push(n));
      const principal = `agent-${run}@x.example`;
      await a.send({ kind: 'agent', principal });
      await a.send({ kind: 'notes', callId: `call-${run}` });
      const mine = (n: ClusterNotice) =>
        'principal' in n ? n.principal === principal : n.callId === `call-${run}`;
      await until(() => (got.b ?? []).filter(mine).length === 2);
      assert.deepEqual((got.b ?? []).filter(mine), [
        { kind: 'agent', principal },
        { kind: 'notes', callId: `call-${run}` },
      ]);
      await sleep(200);
      assert.deepEqual((got.a ?? []).filter(mine), [], 'the sender skips its own notices');

      const raw = new pg.Client({ connectionString: url });
      await raw.connect();
      try {
        await raw.query('SELECT pg_notify($1, $2)', [
          CLUSTER_CHANNEL,
          '{"from":"x","notice":{"kind":"drop"}}',
        ]);
      } finally {
        await raw.end();
      }
      await until(() => rejected.length > 0);
      assert.ok(rejected.includes('unexpected shape'));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  },
);
