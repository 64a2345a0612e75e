import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../config/config.ts';
import { storeTargets } from '../store/testing/targets.ts';
import { createCallerLookupFromConfig, lookupConfigProblems, parseLookupSettings } from './settings.ts';
import { json, startCrm } from './testing/crm.ts';
import { TestClock } from './testing/values.ts';
import { DEFAULT_URGENCY_RULES } from './urgency.ts';

test('defaults: no providers, no links, the default urgency rules', () => {
  const s = parseLookupSettings({ providersJson: '[]', linkTemplatesJson: '[]', urgencyRulesJson: '' }, {});
  assert.deepEqual(s, { providers: [], linkTemplates: [], urgencyRules: DEFAULT_URGENCY_RULES });
});

test('problems of all three variables are listed together', () => {
  const problems = lookupConfigProblems(
    { providersJson: '[{"name":"x"}]', linkTemplatesJson: '{', urgencyRulesJson: '[{"kind":"nope"}]' },
    {},
  );
  assert.equal(problems.length, 4);
  assert.match(problems[0] ?? '', /^SCREENPOP_LOOKUP_PROVIDERS\[0\] \("x"\)\.url/);
  assert.equal(problems[2], 'SCREENPOP_LINK_TEMPLATES: not valid JSON');
  assert.match(problems[3] ?? '', /^SCREENPOP_URGENCY_RULES\[0\]/);
});

test('loadConfig refuses a bad provider entry and names it', () => {
  assert.throws(
    () => loadConfig({ SCREENPOP_LOOKUP_PROVIDERS: '[{"name":"crm","url":"https://x/{e164}","fields":{}}]' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.problems.some((p) => p.startsWith('SCREENPOP_LOOKUP_PROVIDERS[0] ("crm").fields.name')),
  );
});

test('the lookup service is built from the config parsed once: a typed provider, its env secret, the links', async () => {
  const crm = await startCrm();
  const target = storeTargets({ TEST_STORES: 'sqlite' })[0]!;
  try {
    crm.route('/find', json({ results: [{ name: 'Ann From Crm' }] }));
    const config = loadConfig({
      SCREENPOP_LOOKUP_BUDGET_MS: '5000', // roomy: the answer must land within the budget on a busy machine
      SCREENPOP_LOOKUP_PROVIDERS: JSON.stringify([
        {
          type: 'http',
          name: 'crm',
          url: `${crm.base}/find?q={e164}`,
          headers: { authorization: 'Bearer ${CRM_TOKEN}' },
          fields: { name: 'results[].name' },
        },
      ]),
      SCREENPOP_LINK_TEMPLATES: '[{"label":"Open","url":"https://crm.example/s?q={e164}"}]',
      CRM_TOKEN: 'from-the-env-given',
    });
    const store = await target.open();
    const service = createCallerLookupFromConfig(config.lookup, config.phone, {
      ...store,
      clock: new TestClock(1_800_000_000_000),
    });
    const result = await service.lookupNumber('(312) 555-0140');
    service.close();
    assert.deepEqual(
      result.matches.map((m) => m.contact.name),
      ['Ann From Crm'],
    );
    assert.equal(crm.seen[0]?.headers.authorization, 'Bearer from-the-env-given');
    assert.deepEqual(result.links, [{ label: 'Open', url: 'https://crm.example/s?q=%2B13125550140' }]);
  } finally {
    await target.cleanup();
    await crm.close();
  }
});
