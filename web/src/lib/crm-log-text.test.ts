import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crmLabel, crmLogText, crmLogUrl } from './crm-log-text.ts';

const base = { provider: 'hubspot', url: null, attempts: 1, updatedAt: 0 };

test('each state reads as a short line naming the CRM', () => {
  assert.equal(crmLogText({ ...base, status: 'logged', error: null }), 'logged to HubSpot');
  assert.equal(crmLogText({ ...base, status: 'pending', error: null }), 'logging to HubSpot…');
  assert.equal(
    crmLogText({ ...base, status: 'pending', error: 'HubSpot HTTP 429 RATE_LIMIT' }),
    'logging to HubSpot, retrying: HubSpot HTTP 429 RATE_LIMIT',
  );
  assert.equal(
    crmLogText({ ...base, status: 'failed', error: 'HubSpot HTTP 401 INVALID_AUTHENTICATION' }),
    'logging to HubSpot failed: HubSpot HTTP 401 INVALID_AUTHENTICATION',
  );
  assert.equal(crmLabel('my-crm'), 'my-crm');
});

test('a page of call ids becomes one query', () => {
  assert.equal(crmLogUrl(['a', 'b c']), '/api/crm-log?calls=a%2Cb+c');
});
