// The shared source lifecycle against a real WebSocket server on loopback: connect, loss, back-off, recover, stop.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { ReconnectingSource } from './reconnecting-source.ts';
import type { Phase, SourceDriver } from './reconnecting-source.ts';
import { openSocket } from './socket.ts';
import { silent } from '../testing/harness.ts';
import { RecordingSink, waitFor } from '../testing/recording-sink.ts';

let server: WebSocketServer;
let url: string;
const serverSockets = new Set<WebSocket>();

before(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('connection', (socket) => {
    serverSockets.add(socket);
    socket.on('close', () => serverSockets.delete(socket));
    socket.on('message', (data) => socket.send(data.toString())); // an echo: the test makes its own frames
  });
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function killServerSockets(): void {
  for (const socket of serverSockets) {
    socket.terminate();
  }
}

class TestDriver implements SourceDriver {
  readonly name = 'Test socket';
  readonly connects: { fresh: boolean; phase: Phase }[] = [];
  readonly failures: Phase[] = [];
  readonly frames: string[] = [];
  readonly recovered: string[] = [];
  released = 0;
  /** Errors the next connects throw, in order. */
  readonly failNext: Error[] = [];
  transientErrors = true;

  async connect(fresh: boolean, phase: Phase): Promise<WebSocket | null> {
    this.connects.push({ fresh, phase });
    const error = this.failNext.shift();
    if (error !== undefined) {
      throw error;
    }
    return openSocket(url);
  }
  transient(): boolean {
    return this.transientErrors;
  }
  failed(_error: unknown, _attempt: number, phase: Phase): void {
    this.failures.push(phase);
  }
  frame(text: string): void {
    this.frames.push(text);
  }
  async recover(reason: string): Promise<void> {
    this.recovered.push(reason);
  }
  async release(): Promise<void> {
    this.released++;
  }
}

function make(driver: TestDriver): { link: ReconnectingSource; counts: { reconnects: number } } {
  const counts = { reconnects: 0 };
  const link = new ReconnectingSource(driver, {
    log: silent,
    counts,
    reconnect: { baseMs: 5, maxMs: 20 },
  });
  return { link, counts };
}

test('a lost socket is rebuilt after a back-off, then the driver recovers and the frames flow again', async (t) => {
  const driver = new TestDriver();
  const { link, counts } = make(driver);
  const sink = new RecordingSink();
  await link.start(sink);
  t.after(() => link.stop());
  assert.equal(link.connected, true);
  link.socket!.send('one');
  await waitFor('the first frame', () => driver.frames.length === 1);
  killServerSockets();
  await waitFor('the recovery', () => driver.recovered.length === 1);
  assert.equal(counts.reconnects, 1);
  assert.match(driver.recovered[0]!, /^reconnected after socket closed \(\d+\)$/);
  assert.deepEqual(
    driver.connects.map((c) => c.phase),
    ['start', 'reconnect'],
  );
  assert.ok(sink.notes.some((n) => n.startsWith('test socket lost: socket closed')));
  link.socket!.send('two');
  await waitFor('a frame on the new socket', () => driver.frames.length === 2);
  assert.deepEqual(driver.frames, ['one', 'two']);
  assert.equal(link.connected, true);
  assert.equal(link.lastError, null);
});

test('transient start failures are retried with back-off; the error is shown until it connects', async (t) => {
  const driver = new TestDriver();
  driver.failNext.push(new Error('GoTo 503'), new Error('GoTo 503'));
  const { link } = make(driver);
  await link.start(new RecordingSink());
  t.after(() => link.stop());
  assert.deepEqual(driver.failures, ['start', 'start']);
  assert.deepEqual(
    driver.connects.map((c) => c.fresh),
    [false, true, true],
    'a retry asks for fresh resources',
  );
  assert.equal(link.connected, true);
  assert.equal(link.lastError, null);
});

test('a permanent start failure rejects, keeps the reason and releases what was built', async () => {
  const driver = new TestDriver();
  driver.transientErrors = false;
  driver.failNext.push(new Error('subscription refused'));
  const { link } = make(driver);
  await assert.rejects(link.start(new RecordingSink()), /subscription refused/);
  assert.equal(driver.released, 1);
  assert.equal(link.connected, false);
  assert.match(link.lastError ?? '', /subscription refused/);
});

test('a failed reconnect asks the next attempt for fresh resources', async (t) => {
  const driver = new TestDriver();
  const { link, counts } = make(driver);
  await link.start(new RecordingSink());
  t.after(() => link.stop());
  driver.failNext.push(new Error('socket would not open'));
  killServerSockets();
  await waitFor('the reconnect', () => counts.reconnects === 1);
  assert.deepEqual(driver.connects.slice(1), [
    { fresh: false, phase: 'reconnect' },
    { fresh: true, phase: 'reconnect' },
  ]);
  assert.deepEqual(driver.failures, ['reconnect']);
});

test('only the current socket can report a loss, and only once', async (t) => {
  const driver = new TestDriver();
  const { link, counts } = make(driver);
  await link.start(new RecordingSink());
  t.after(() => link.stop());
  const first = link.socket;
  link.lost(first, 'watchdog');
  link.lost(first, 'watchdog again'); // already rebuilding
  await waitFor('the reconnect', () => counts.reconnects === 1);
  link.lost(first, 'a late close of the old socket');
  await waitFor('the recovery', () => driver.recovered.length === 1);
  assert.equal(counts.reconnects, 1);
  assert.equal(driver.connects.length, 2);
  assert.notEqual(link.socket, first);
});

test('stop() ends the rebuild loop and releases; no connect after it', async () => {
  const driver = new TestDriver();
  const { link } = make(driver);
  await link.start(new RecordingSink());
  for (let i = 0; i < 1_000; i++) {
    driver.failNext.push(new Error('down'));
  }
  killServerSockets();
  await waitFor('a failed reconnect', () => driver.failures.length >= 2);
  await link.stop();
  const tries = driver.connects.length;
  assert.equal(driver.released, 1);
  assert.equal(link.connected, false);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(driver.connects.length, tries, 'no connect attempt after stop()');
});
