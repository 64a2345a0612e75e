// The push hub's SQL text: literals quoted exactly as the driver quotes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { quoteLiteral } from './push-sql.ts';

test('quoteLiteral writes what pg escapeLiteral writes, quotes, backslashes and all', () => {
  const client = new pg.Client();
  const samples = [
    '',
    'plain',
    "o'brien",
    "''",
    '\\',
    "a\\'b",
    '{"name":"O\'Brien \\" \\\\ ✓","x":"$$ E\'x\'"}',
    "'); DROP TABLE push_cards; --",
    '\\\\\\',
  ];
  for (const sample of samples) {
    assert.equal(quoteLiteral(sample), client.escapeLiteral(sample), sample);
  }
});
