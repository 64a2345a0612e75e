// Spec of the process logger: pretty lines at a terminal, JSON otherwise, LOG_FORMAT to choose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { ConfigError, loadConfig } from '../config/config.ts';
import { chooseLogFormat, createLogger } from './logger.ts';

/** The first chunk the logger writes for one info event. */
async function firstLine(format: 'json' | 'pretty' | null, tty: boolean): Promise<string> {
  const out = new PassThrough();
  const log = createLogger({ logLevel: 'info', logFormat: format }, out, tty);
  const chunk = once(out, 'data');
  log.child({ part: 'calls' }).info({ callId: 'c-42' }, 'call ringing');
  return String((await chunk)[0]);
}

test('LOG_FORMAT wins; unset, a terminal gets pretty lines and anything else JSON', () => {
  assert.equal(chooseLogFormat(null, true), 'pretty');
  assert.equal(chooseLogFormat(null, false), 'json');
  assert.equal(chooseLogFormat('json', true), 'json');
  assert.equal(chooseLogFormat('pretty', false), 'pretty');
});

test('pretty: one readable line with the time, level, message and fields, without pid or hostname', async () => {
  const line = await firstLine(null, true);
  assert.match(line, /^\[\d\d:\d\d:\d\d\] INFO: call ringing \{"part":"calls","callId":"c-42"\}\n$/);
  assert.throws(() => JSON.parse(line));
});

test('json: one JSON object per line, as log collectors expect', async () => {
  const record = JSON.parse(await firstLine(null, false)) as Record<string, unknown>;
  assert.equal(record['msg'], 'call ringing');
  assert.equal(record['callId'], 'c-42');
  assert.equal(record['level'], 30);
  assert.equal(typeof record['pid'], 'number');
});

test('LOG_FORMAT is parsed with the rest of the config; a bad value is named', () => {
  assert.equal(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat, 'pretty');
  assert.equal(loadConfig({}).logFormat, null);
  assert.throws(
    () => loadConfig({ LOG_FORMAT: 'xml' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /LOG_FORMAT/);
      return true;
    },
  );
});
