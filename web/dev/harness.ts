// Dev harness (a tool, not product code): serves dist/web with sample /api responses and a push socket.
// Run: npm run build:web && node --import tsx web/dev/harness.ts [--port 5180] [--signed-out]
// Drive it: curl -X POST 127.0.0.1:5180/dev/ring | /dev/advance/<callId> | /dev/drop | /dev/reset
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { CallLogEntry, Contact, ContactInput, Me } from '../../src/shared/api.ts';
import type { Card, ServerMessage } from '../../src/shared/messages.ts';
import { makeCard } from '../src/lib/testing/cards.ts';
import { danaResolved, me as sampleMe, sampleCallLog, sampleCards, sampleContacts } from './sample-data.ts';

const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] || 5180) || 5180;
const dist = resolve(import.meta.dirname, '../../dist/web');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let signedIn = !args.includes('--signed-out');
let me: Me = sampleMe;
let contacts: Contact[] = [];
let log: CallLogEntry[] = [];
let cards = new Map<string, Card>();
const events: { cursor: number; card: Card }[] = [];
let cursor = 0;
let ringCount = 0;
const sockets = new Set<WebSocket>();

function emit(card: Card): void {
  cards.set(card.callId, card);
  events.push({ cursor: ++cursor, card });
  const msg: ServerMessage = { type: 'card', cursor, card };
  sockets.forEach((s) => s.send(JSON.stringify(msg)));
}

function reset(): void {
  const now = Date.now();
  contacts = sampleContacts(now);
  log = sampleCallLog(now);
  cards = new Map();
  sampleCards(now, contacts).forEach(emit);
  setTimeout(() => emit(danaResolved(cards.get('call-dana')!, contacts, Date.now())), 1500);
}

function advance(id: string): Card | null {
  const c = cards.get(id);
  if (!c) {
    return null;
  }
  const now = Date.now();
  const line = { lineId: 'line-101', extension: '101', name: 'Maria (desk)', state: 'connected' as const };
  const next: Card =
    c.phase === 'ringing'
      ? { ...c, version: c.version + 1, phase: 'connected', answeredAt: now, answeredBy: line, lines: [line] }
      : {
          ...c,
          version: c.version + 1,
          phase: 'ended',
          outcome: c.answeredAt ? 'answered' : 'missed',
          endedAt: now,
        };
  emit(next);
  return next;
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null;
}

function send(res: ServerResponse, status: number, data?: unknown): void {
  res.writeHead(status, data === undefined ? {} : { 'content-type': 'application/json' });
  res.end(data === undefined ? undefined : JSON.stringify(data));
}

function saveContact(input: ContactInput, id: string, existing?: Contact): Contact {
  const c: Contact = {
    id,
    name: input.name,
    company: input.company ?? null,
    email: input.email ?? null,
    tier: input.tier ?? null,
    tags: input.tags ?? [],
    notes: input.notes ?? null,
    custom: input.custom ?? {},
    phones: (input.phones ?? []).map((p) => ({
      raw: p.raw,
      label: p.label ?? null,
      e164: p.raw.replace(/[^\d+]/g, ''),
    })),
    tickets: input.tickets ?? [],
    appointments: input.appointments ?? [],
    externalId: input.externalId ?? null,
    recordUrl: input.recordUrl ?? null,
    createdAt: existing?.createdAt ?? Date.now(),
    updatedAt: Date.now(),
  };
  contacts = [...contacts.filter((x) => x.id !== id), c];
  return c;
}

function logEntryFor(id: string): CallLogEntry | null {
  const found = log.find((e) => e.callId === id);
  const card = cards.get(id);
  if (found || !card || card.phase !== 'ended') {
    return found ?? null;
  }
  const entry: CallLogEntry = {
    callId: id,
    direction: card.direction,
    callerE164: card.caller.e164,
    callerRaw: card.caller.display,
    callerName: card.lookup.matches[0]?.contact.name ?? card.caller.name,
    withheld: card.caller.withheld,
    dialed: card.dialed,
    lineIds: card.lines.map((l) => l.lineId),
    answeredBy: card.answeredBy?.lineId ?? null,
    answeredByName: card.answeredBy?.name ?? null,
    startedAt: card.startedAt,
    answeredAt: card.answeredAt,
    endedAt: card.endedAt ?? Date.now(),
    outcome: card.outcome ?? 'missed',
    contactId: null,
    notes: null,
    disposition: null,
    notesBy: null,
    notesAt: null,
  };
  log = [entry, ...log];
  return entry;
}

async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const [, , what, id, sub] = url.pathname.split('/').map(decodeURIComponent);
  const m = req.method;
  if (!signedIn) {
    return send(res, 401, { error: 'unauthenticated', message: 'Sign in first.' });
  }
  if (what === 'me' && m === 'GET') {
    return send(res, 200, me);
  }
  if (what === 'me' && id === 'settings' && m === 'PUT') {
    me = { ...me, ...((await body(req)) as Partial<Me>) };
    return send(res, 200, me);
  }
  if (what === 'cards') {
    return send(res, 200, { items: [...cards.values()] });
  }
  if (what === 'contacts' && !id && m === 'GET') {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const items = contacts.filter((c) => JSON.stringify(c).toLowerCase().includes(q));
    return send(res, 200, { items, total: items.length });
  }
  if (what === 'contacts' && !id && m === 'POST') {
    return send(res, 201, saveContact((await body(req)) as ContactInput, `k-${Date.now()}`));
  }
  const contact = contacts.find((c) => c.id === id);
  if (what === 'contacts' && contact && m === 'DELETE') {
    contacts = contacts.filter((c) => c.id !== contact.id);
    return send(res, 204);
  }
  if (what === 'contacts' && contact) {
    return m === 'PUT'
      ? send(res, 200, saveContact((await body(req)) as ContactInput, contact.id, contact))
      : send(res, 200, contact);
  }
  if (what === 'calls' && !id) {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const outcome = url.searchParams.get('outcome');
    const before = Number(url.searchParams.get('before') ?? Infinity);
    const items = log
      .filter((e) => (!outcome || e.outcome === outcome) && e.startedAt < before)
      .filter((e) => JSON.stringify(e).toLowerCase().includes(q))
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, Number(url.searchParams.get('limit') ?? 50));
    return send(res, 200, { items });
  }
  const entry = what === 'calls' && id ? logEntryFor(id) : null;
  if (entry && sub === 'notes' && m === 'PUT') {
    const b = (await body(req)) as { notes: string | null; disposition: string | null };
    const saved = { ...entry, ...b, notesBy: me.principal, notesAt: Date.now() };
    log = log.map((e) => (e.callId === id ? saved : e));
    const card = cards.get(entry.callId);
    if (card) {
      emit({ ...card, version: card.version + 1, notes: { text: b.notes, disposition: b.disposition } });
    }
    return send(res, 200, saved);
  }
  if (entry) {
    return send(res, 200, entry);
  }
  if (what === 'pins' && m === 'POST') {
    const pin = (await body(req)) as { e164: string; contactId: string };
    for (const card of cards.values()) {
      if (card.caller.e164 === pin.e164) {
        const matches = card.lookup.matches.map((x) => ({ ...x, pinned: x.contact.id === pin.contactId }));
        emit({ ...card, version: card.version + 1, lookup: { ...card.lookup, matches } });
      }
    }
    return send(res, 204);
  }
  send(res, 404, { error: 'not_found', message: `No route ${m} ${url.pathname} in the dev harness.` });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname.startsWith('/api/')) {
    return api(req, res, url);
  }
  if (url.pathname === '/auth/login') {
    signedIn = true;
    res.writeHead(302, { location: '/' }).end();
    return;
  }
  if (url.pathname === '/auth/logout') {
    signedIn = false;
    sockets.forEach((s) => s.close());
    return send(res, 204);
  }
  if (url.pathname === '/dev/reset') {
    reset();
    return send(res, 204);
  }
  if (url.pathname === '/dev/ring') {
    const callId = `call-new-${++ringCount}`;
    const at = Date.now();
    emit(
      makeCard({ callId, startedAt: at, caller: { display: `+1 415-555-01${10 + ringCount}`, e164: null } }),
    );
    return send(res, 200, { callId });
  }
  if (url.pathname === '/dev/drop') {
    // Drop every socket, then change a card while nobody listens: a resuming client must still get it.
    sockets.forEach((s) => s.terminate());
    const c = cards.get('call-unknown');
    if (c) {
      emit({ ...c, version: c.version + 1, urgency: { level: 'elevated', reason: 'changed while offline' } });
    }
    return send(res, 204);
  }
  if (url.pathname.startsWith('/dev/advance/')) {
    return send(res, 200, advance(decodeURIComponent(url.pathname.slice('/dev/advance/'.length))));
  }
  const file = join(dist, url.pathname === '/' || !extname(url.pathname) ? 'index.html' : url.pathname);
  if (!file.startsWith(dist)) {
    return send(res, 404);
  }
  try {
    const data = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(data);
  } catch {
    send(res, 404, { error: 'not_found', message: 'Run npm run build:web first.' });
  }
}

const server = createServer((req, res) => {
  handle(req, res).catch((e: unknown) => send(res, 500, { error: 'internal', message: String(e) }));
});
const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  if (!req.url?.startsWith('/api/push') || !signedIn) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { type: string; cursor?: number };
      if (msg.type === 'resume') {
        const replay = events.filter((e) => e.cursor > (msg.cursor ?? 0));
        replay.forEach((e) => ws.send(JSON.stringify({ type: 'card', cursor: e.cursor, card: e.card })));
        ws.send(JSON.stringify({ type: 'resumed', cursor, replayed: replay.length }));
      }
    });
    ws.send(JSON.stringify({ type: 'hello', principal: me.principal, cursor }));
  });
});

reset();
server.listen(port, '127.0.0.1', () => console.warn(`dev harness on http://127.0.0.1:${port}`));
