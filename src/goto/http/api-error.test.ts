import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApiError, redactPath } from './api-error.ts';
import { fixture } from '../testing/fixtures.ts';

test('call-events 400: the constraints say what was wrong, not the boilerplate message', () => {
  const error = parseApiError(
    'POST',
    '/call-events/v1/subscriptions',
    400,
    JSON.stringify(fixture('call-events/error-400.json')),
  );
  assert.equal(error.errorCode, 'BAD_REQUEST');
  assert.deepEqual(error.constraints, [{ field: 'Events[0]', constraint: 'INVALID' }]);
  assert.match(error.message, /Events\[0\] INVALID/);
  assert.equal(error.retryable, false);
});

test('channel 404: constraintViolations are read and the channel id never reaches the message', () => {
  const body = JSON.stringify(fixture('channel/not-found-404.json'));
  const error = parseApiError(
    'PUT',
    redactPath('/notification-channel/v1/channels/screenpop/Webhook.6d1b3e0a'),
    404,
    body,
  );
  assert.equal(error.errorCode, 'RTC-NOTIFICATION-CHANNEL-NOT-FOUND');
  assert.equal(error.path, '/notification-channel/v1/channels/screenpop/…');
  const id = (fixture('channel/not-found-404.json') as { message: string }).message.split(' ').at(-1)!;
  assert.ok(!error.message.includes(id), error.message);
});

test('429 with an empty body and non-JSON 5xx bodies are still typed errors', () => {
  assert.equal(parseApiError('GET', '/users/v1/lines', 429, '').retryable, true);
  const html = parseApiError('GET', '/users/v1/lines', 502, '<html>Bad gateway</html>');
  assert.equal(html.status, 502);
  assert.equal(html.errorCode, null);
  assert.equal(html.retryable, true);
});

test('401 bodies give the AUTHN code', () => {
  const error = parseApiError(
    'GET',
    '/users/v1/lines',
    401,
    JSON.stringify(fixture('errors/401-invalid-token.json')),
  );
  assert.equal(error.errorCode, 'AUTHN_INVALID_TOKEN');
  assert.equal(error.reference, 'mvvtep08xr4saxifwsdlyyji');
});
