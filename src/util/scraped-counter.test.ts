import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { Counter } from 'prom-client';
import { ScrapedCounter } from './scraped-counter.ts';

function setup() {
  const registry = new Registry();
  const counter = new ScrapedCounter({
    name: 'things_total',
    help: 'Things',
    labelNames: ['kind'],
    registers: [registry],
  });
  // Counts prom-client's own increments: the work this class keeps off the hot path.
  const metric = registry.getSingleMetric('things_total') as Counter<'kind'>;
  const inc = metric.inc.bind(metric);
  let promIncs = 0;
  metric.inc = ((...args: Parameters<typeof inc>) => {
    promIncs += 1;
    inc(...args);
  }) as typeof metric.inc;
  return { registry, counter, promIncs: () => promIncs };
}

test('counts by label values reach /metrics, and the next scrape adds only what came since', async () => {
  const { registry, counter } = setup();
  const a = counter.child({ kind: 'a' });
  a.inc();
  a.inc(2);
  counter.child({ kind: 'b' }).inc();
  assert.match(await registry.metrics(), /things_total\{kind="a"\} 3\n/);
  a.inc();
  const text = await registry.metrics();
  assert.match(text, /things_total\{kind="a"\} 4\n/);
  assert.match(text, /things_total\{kind="b"\} 1\n/);
});

test('the same label values give the same count', async () => {
  const { registry, counter } = setup();
  counter.child({ kind: 'a' }).inc();
  counter.child({ kind: 'a' }).inc();
  assert.match(await registry.metrics(), /things_total\{kind="a"\} 2\n/);
});

test('counting does no prom-client work: one increment per label values at a scrape, none before', async () => {
  const { registry, counter, promIncs } = setup();
  const a = counter.child({ kind: 'a' });
  for (let i = 0; i < 1_000; i++) {
    a.inc();
  }
  assert.equal(promIncs(), 0);
  await registry.metrics();
  assert.equal(promIncs(), 1);
  await registry.metrics();
  assert.equal(promIncs(), 1, 'nothing new, nothing handed over');
});

test('a counter never goes down', () => {
  const { counter } = setup();
  assert.throws(() => counter.child({ kind: 'a' }).inc(-1), RangeError);
  assert.throws(() => counter.child({ kind: 'a' }).inc(Number.NaN), RangeError);
});
