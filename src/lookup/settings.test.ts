import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../config/config.ts';
import { lookupConfigProblems, parseLookupSettings } from './settings.ts';
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
