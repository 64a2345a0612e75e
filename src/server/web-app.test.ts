import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harness } from './testing/harness.ts';

function webRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'screenpop-web-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><div id="app"></div>');
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  return root;
}

test('the built app is served, and client-side routes fall back to index.html', async () => {
  const root = webRoot();
  const h = await harness({ webRoot: root });
  const index = await h.app.inject({ method: 'GET', url: '/' });
  assert.equal(index.statusCode, 200);
  assert.match(index.body, /id="app"/);
  assert.match(String(index.headers['content-security-policy']), /default-src 'self'/);
  const asset = await h.app.inject({ method: 'GET', url: '/assets/app.js' });
  assert.equal(asset.statusCode, 200);
  const route = await h.app.inject({ method: 'GET', url: '/history/abc' });
  assert.equal(route.statusCode, 200);
  assert.match(route.body, /id="app"/);
  await h.close();
  rmSync(root, { recursive: true, force: true });
});

test('server paths and missing files are JSON 404s, never the app page', async () => {
  const root = webRoot();
  const h = await harness({ webRoot: root });
  for (const url of ['/api/nothing', '/auth/nothing', '/assets/missing.js']) {
    const res = await h.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().error, 'not_found', url);
  }
  await h.close();
  rmSync(root, { recursive: true, force: true });
});
