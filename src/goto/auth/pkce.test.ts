// The PKCE S256 challenge screenpop computes itself (node:crypto, synchronous) must equal oauth4webapi's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { pkceChallenge } from './oauth.ts';

test('equals oauth4webapi calculatePKCECodeChallenge for 200 random verifiers', async () => {
  for (let i = 0; i < 200; i++) {
    const verifier = oauth.generateRandomCodeVerifier();
    assert.equal(pkceChallenge(verifier), await oauth.calculatePKCECodeChallenge(verifier));
  }
});
