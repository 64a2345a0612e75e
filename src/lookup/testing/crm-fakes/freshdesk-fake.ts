// A local Freshdesk API v2 for tests, after its public reference: API key basic auth, contact search
// ("phone:'…' OR mobile:'…'", 30 per page, page 1–10), companies, tickets by requester, and the tickets and
// private notes it records (create, edit) so tests can count them. Phone fields match as stored, like Freshdesk.
import { startFakeHttp } from './fake-http.ts';
import type { FakeHttp, FakeReply, FakeRequest } from './fake-http.ts';

export interface FreshdeskContact {
  readonly id: number;
  readonly name: string;
  readonly phone?: string;
  readonly mobile?: string;
  readonly email?: string;
  readonly companyId?: number;
}

export interface FreshdeskTicket {
  readonly id: number;
  readonly requesterId: number;
  readonly subject: string;
  status: number;
  readonly updatedAt: number;
  /** Set on tickets created through the API (a call with no open ticket). */
  readonly created?: Record<string, unknown>;
  updates: number;
}

export interface FreshdeskNote {
  readonly id: number;
  readonly ticketId: number;
  body: string;
  readonly private: boolean;
  updates: number;
}

export interface FreshdeskFake {
  readonly base: string;
  readonly http: FakeHttp;
  readonly tickets: Map<number, FreshdeskTicket>;
  readonly notes: Map<number, FreshdeskNote>;
  pageSize: number;
  /** The next `count` requests get Freshdesk's 429 with Retry-After and its X-RateLimit headers. */
  rateLimit(count: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
}

const validation = (field: string, message: string, code = 'invalid_value'): FakeReply => ({
  status: 400,
  body: { description: 'Validation failed', errors: [{ field, message, code }] },
});
const NOT_FOUND: FakeReply = { status: 404 };

/** "phone:'x' OR mobile:'y'" → the (field, value) pairs; null when the query is not of that form. */
function phoneTerms(query: string): [string, string][] | null {
  const inner = /^"(.*)"$/.exec(query)?.[1];
  if (inner === undefined) {
    return null;
  }
  const terms = inner.split(' OR ').map((t) => /^(phone|mobile):'([^']*)'$/.exec(t.trim()));
  return terms.every((t) => t !== null) ? terms.map((t) => [t[1] ?? '', t[2] ?? '']) : null;
}

export async function startFreshdeskFake(seed: {
  apiKey: string;
  contacts: readonly FreshdeskContact[];
  companies?: readonly { id: number; name: string }[];
  tickets?: readonly Omit<FreshdeskTicket, 'updates'>[];
}): Promise<FreshdeskFake> {
  const tickets = new Map<number, FreshdeskTicket>(
    (seed.tickets ?? []).map((t) => [t.id, { ...t, updates: 0 }]),
  );
  const notes = new Map<number, FreshdeskNote>();
  const state = { pageSize: 30 };
  let nextId = 7000;
  const auth = `Basic ${Buffer.from(`${seed.apiKey}:X`).toString('base64')}`;

  const search = (req: FakeRequest): FakeReply => {
    const terms = phoneTerms(req.query.get('query') ?? '');
    if (terms === null) {
      return validation('query', 'Given query is not valid');
    }
    const page = Number(req.query.get('page') ?? '1');
    if (!Number.isInteger(page) || page < 1 || page > 10) {
      return validation('page', 'Value must be between 1 and 10', 'invalid_value');
    }
    const hits = seed.contacts.filter((c) =>
      terms.some(([field, value]) => (field === 'phone' ? c.phone : c.mobile) === value),
    );
    const size = state.pageSize;
    const results = hits.slice((page - 1) * size, page * size).map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email ?? null,
      phone: c.phone ?? null,
      mobile: c.mobile ?? null,
      company_id: c.companyId ?? null,
    }));
    return { status: 200, body: { results, total: hits.length } };
  };

  const company = (_req: FakeRequest, [id]: readonly string[]): FakeReply => {
    const c = (seed.companies ?? []).find((x) => String(x.id) === id);
    return c === undefined ? NOT_FOUND : { status: 200, body: { id: c.id, name: c.name } };
  };

  const list = (req: FakeRequest): FakeReply => {
    const requester = Number(req.query.get('requester_id'));
    const since = Date.parse(req.query.get('updated_since') ?? '') || Date.now() - 30 * 86_400_000;
    const found = [...tickets.values()]
      .filter((t) => t.requesterId === requester && t.updatedAt >= since)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map((t) => ({ id: t.id, subject: t.subject, status: t.status, requester_id: t.requesterId }));
    return { status: 200, body: found };
  };

  const create = (req: FakeRequest): FakeReply => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.subject !== 'string' || typeof b.description !== 'string') {
      return validation('description', 'It should be a/an String', 'missing_field');
    }
    if (![2, 3, 4, 5].includes(Number(b.status))) {
      return validation('status', 'It should be one of these values: 2,3,4,5');
    }
    let requester: number;
    if (b.requester_id !== undefined) {
      if (!seed.contacts.some((c) => c.id === b.requester_id)) {
        return validation('requester_id', 'There is no contact matching the given requester_id');
      }
      requester = Number(b.requester_id);
    } else if (typeof b.phone === 'string' && typeof b.name === 'string') {
      requester = 99_000; // a contact Freshdesk would create for the new phone number
    } else {
      return validation(
        'requester_id',
        'Please fill at least 1 of email, mobile, phone, requester_id fields',
        'missing_field',
      );
    }
    nextId += 1;
    const ticket = {
      id: nextId,
      requesterId: requester,
      subject: b.subject,
      status: Number(b.status),
      updatedAt: Date.now(),
      created: b,
      updates: 0,
    };
    tickets.set(nextId, ticket);
    return { status: 201, body: { id: nextId, subject: b.subject, status: ticket.status } };
  };

  const addNote = (req: FakeRequest, [id]: readonly string[]): FakeReply => {
    const ticket = tickets.get(Number(id));
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (ticket === undefined) {
      return NOT_FOUND;
    }
    if (typeof b.body !== 'string' || b.body === '') {
      return validation('body', 'It should be a/an String', 'missing_field');
    }
    nextId += 1;
    const note = { id: nextId, ticketId: ticket.id, body: b.body, private: b.private !== false, updates: 0 };
    notes.set(nextId, note);
    return {
      status: 201,
      body: { id: note.id, body: note.body, ticket_id: note.ticketId, private: note.private },
    };
  };

  const editNote = (req: FakeRequest, [id]: readonly string[]): FakeReply => {
    const note = notes.get(Number(id));
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (note === undefined) {
      return NOT_FOUND;
    }
    if (typeof b.body !== 'string' || b.body === '') {
      return validation('body', 'It should be a/an String', 'missing_field');
    }
    note.body = b.body;
    note.updates += 1;
    return { status: 200, body: { id: note.id, body: note.body, ticket_id: note.ticketId } };
  };

  const editTicket = (req: FakeRequest, [id]: readonly string[]): FakeReply => {
    const ticket = tickets.get(Number(id));
    if (ticket === undefined) {
      return NOT_FOUND;
    }
    ticket.updates += 1;
    Object.assign(ticket.created ?? {}, req.body);
    return { status: 200, body: { id: ticket.id, status: ticket.status } };
  };

  const http = await startFakeHttp({
    routes: [
      { method: 'GET', path: /^\/api\/v2\/search\/contacts$/, handler: search },
      { method: 'GET', path: /^\/api\/v2\/companies\/(\d+)$/, handler: company },
      { method: 'GET', path: /^\/api\/v2\/tickets$/, handler: list },
      { method: 'POST', path: /^\/api\/v2\/tickets$/, handler: create },
      { method: 'POST', path: /^\/api\/v2\/tickets\/(\d+)\/notes$/, handler: addNote },
      { method: 'PUT', path: /^\/api\/v2\/conversations\/(\d+)$/, handler: editNote },
      { method: 'PUT', path: /^\/api\/v2\/tickets\/(\d+)$/, handler: editTicket },
    ],
    authorize: (req) =>
      req.headers.authorization === auth
        ? null
        : {
            status: 401,
            body: {
              code: 'invalid_credentials',
              message: 'You have to be logged in to perform this action.',
            },
          },
    notFound: NOT_FOUND,
  });

  return {
    base: http.base,
    http,
    tickets,
    notes,
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(size: number) {
      state.pageSize = size;
    },
    rateLimit(count, retryAfterSeconds) {
      http.inject(count, {
        status: 429,
        body: { message: 'You have exceeded the limit of requests per minute' },
        headers: {
          'retry-after': String(retryAfterSeconds),
          'x-ratelimit-total': '200',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used-currentrequest': '1',
        },
      });
    },
    close: () => http.close(),
  };
}
