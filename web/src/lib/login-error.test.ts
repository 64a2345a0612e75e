import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loginErrorMessage } from './login-error.ts';

test('known sign-in failures get their own message', () => {
  assert.match(loginErrorMessage('?login_error=login_denied') ?? '', /cancelled or refused/);
  assert.match(loginErrorMessage('?login_error=login_expired') ?? '', /expired/);
});

test('an unknown id gets a generic message, and no id means no message', () => {
  assert.equal(loginErrorMessage('?login_error=<script>'), 'Sign-in did not complete. Sign in again.');
  assert.equal(loginErrorMessage(''), null);
  assert.equal(loginErrorMessage('?x=1'), null);
});
