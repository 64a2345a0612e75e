// A local Zendesk Support API for tests, after its public reference: email/token basic or bearer auth, the search
// API's query syntax (type:user phone:*digits, type:ticket requester_id:N status<solved) with next_page paging,
// organizations/show_many, and tickets it records (create, update with comments) so tests can count them.
import { digitsOf, startFakeHttp } from './fake-http.ts';
import type { FakeHttp, FakeReply, FakeRequest } from './fake-http.ts';

export interface ZendeskUser {
  readonly id: number;
  readonly name: string;
  readonly phone: string;
  readonly email?: string;
  readonly organizationId?: number;
}

export interface ZendeskTicket {
  readonly id: number;
  readonly requesterId: number;
  readonly subject: string;
  readonly status: (typeof STATUSES)[number];
}

export interface LoggedTicket {
  readonly id: number;
  readonly created: Record<string, unknown>;
  readonly comments: { body: string; public: boolean }[];
  subject: string;
  status: string;
}

export interface ZendeskFake {
  /** The origin to configure as apiUrl. */
  readonly base: string;
  readonly http: FakeHttp;
  readonly logged: Map<number, LoggedTicket>;
  pageSize: number;
  /** The next `count` requests get Zendesk's 429 with Retry-After. */
  rateLimit(count: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
}

const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
const error = (status: number, name: string, description: string): FakeReply => ({
  status,
  body: { error: name, description },
});
const invalid = (field: string, description: string): FakeReply => ({
  status: 422,
  body: {
    error: 'RecordInvalid',
    description: 'Record validation errors',
    details: { [field]: [{ description, error: 'InvalidValue' }] },
  },
});

/** The search terms this fake understands; anything else is Zendesk's 400 for a bad query. */
function matcher(query: string): ((item: Record<string, unknown>) => boolean) | null {
  const tests: ((item: Record<string, unknown>) => boolean)[] = [];
  for (const term of query.trim().split(/\s+/)) {
    let m: RegExpExecArray | null;
    if ((m = /^type:(user|ticket)$/.exec(term)) !== null) {
      const type = m[1];
      tests.push((i) => i.result_type === type);
    } else if ((m = /^phone:(\*?)(\d+)$/.exec(term)) !== null) {
      const [, star, wanted = ''] = m;
      tests.push((i) => {
        const have = digitsOf(String(i.phone ?? ''));
        return star === '*' ? have.endsWith(wanted) : have === wanted;
      });
    } else if ((m = /^requester_id:(\d+)$/.exec(term)) !== null) {
      const id = Number(m[1]);
      tests.push((i) => i.requester_id === id);
    } else if ((m = /^status<(\w+)$/.exec(term)) !== null) {
      const below = STATUSES.indexOf(m[1] as (typeof STATUSES)[number]);
      if (below === -1) {
        return null;
      }
      tests.push((i) => STATUSES.indexOf(i.status as (typeof STATUSES)[number]) < below);
    } else {
      return null;
    }
  }
  return (item) => tests.every((t) => t(item));
}

export async function startZendeskFake(seed: {
  email: string;
  token: string;
  users: readonly ZendeskUser[];
  tickets?: readonly ZendeskTicket[];
  organizations?: readonly { id: number; name: string }[];
}): Promise<ZendeskFake> {
  const logged = new Map<number, LoggedTicket>();
  const state = { pageSize: 100, base: '' };
  let nextId = 5000;
  const basic = `Basic ${Buffer.from(`${seed.email}/token:${seed.token}`).toString('base64')}`;

  const searchable = (): Record<string, unknown>[] => [
    ...seed.users.map((u) => ({
      result_type: 'user',
      id: u.id,
      url: `${state.base}/api/v2/users/${u.id}.json`,
      name: u.name,
      email: u.email ?? null,
      phone: u.phone,
      role: 'end-user',
      organization_id: u.organizationId ?? null,
    })),
    ...(seed.tickets ?? []).map((t) => ({
      result_type: 'ticket',
      id: t.id,
      url: `${state.base}/api/v2/tickets/${t.id}.json`,
      subject: t.subject,
      status: t.status,
      requester_id: t.requesterId,
    })),
  ];

  const search = (req: FakeRequest): FakeReply => {
    const query = req.query.get('query') ?? '';
    const test = matcher(query);
    if (test === null) {
      return error(400, 'InvalidSearchQuery', 'The search query could not be parsed');
    }
    const page = Math.max(1, Number(req.query.get('page') ?? '1'));
    const hits = searchable().filter(test);
    const size = state.pageSize;
    const more = page * size < hits.length;
    const next = new URLSearchParams({ query, page: String(page + 1) });
    return {
      status: 200,
      body: {
        results: hits.slice((page - 1) * size, page * size),
        facets: null,
        next_page: more ? `${state.base}/api/v2/search.json?${next}` : null,
        previous_page: null,
        count: hits.length,
      },
    };
  };

  const organizations = (req: FakeRequest): FakeReply => {
    const ids = (req.query.get('ids') ?? '').split(',').map(Number);
    return {
      status: 200,
      body: { organizations: (seed.organizations ?? []).filter((o) => ids.includes(o.id)) },
    };
  };

  const commentOf = (body: unknown): { body: string; public: boolean } | null => {
    const ticket = (body as { ticket?: { comment?: { body?: unknown; public?: unknown } } } | null)?.ticket;
    const c = ticket?.comment;
    return typeof c?.body === 'string' && c.body !== '' ? { body: c.body, public: c.public !== false } : null;
  };

  const create = (req: FakeRequest): FakeReply => {
    const ticket = (req.body as { ticket?: Record<string, unknown> } | null)?.ticket;
    const comment = commentOf(req.body);
    if (ticket === undefined || comment === null) {
      return invalid('description', 'Description: cannot be blank');
    }
    if (ticket.status !== undefined && !STATUSES.includes(ticket.status as (typeof STATUSES)[number])) {
      return invalid('status', 'Status: is not valid');
    }
    if (ticket.requester_id !== undefined && !seed.users.some((u) => u.id === ticket.requester_id)) {
      return invalid('requester', 'Requester: is invalid');
    }
    nextId += 1;
    const subject = String(ticket.subject ?? '');
    const status = String(ticket.status ?? 'new');
    logged.set(nextId, { id: nextId, created: ticket, comments: [comment], subject, status });
    return {
      status: 201,
      body: { ticket: { id: nextId, subject, status, url: `${state.base}/api/v2/tickets/${nextId}.json` } },
    };
  };

  const update = (req: FakeRequest, [id]: readonly string[]): FakeReply => {
    const t = logged.get(Number(id));
    if (t === undefined) {
      return error(404, 'RecordNotFound', 'Not found');
    }
    if (t.status === 'closed') {
      return invalid('status', 'Status: closed prevents ticket update');
    }
    const ticket = (req.body as { ticket?: Record<string, unknown> } | null)?.ticket ?? {};
    const comment = commentOf(req.body);
    if (comment !== null) {
      t.comments.push(comment);
    }
    if (typeof ticket.subject === 'string') {
      t.subject = ticket.subject;
    }
    return { status: 200, body: { ticket: { id: t.id, subject: t.subject, status: t.status } } };
  };

  const byExternalId = (req: FakeRequest): FakeReply => {
    const wanted = req.query.get('external_id');
    const tickets = [...logged.values()].filter((t) => wanted !== null && t.created.external_id === wanted);
    return {
      status: 200,
      body: {
        tickets: tickets.map((t) => ({ id: t.id, subject: t.subject, status: t.status })),
        next_page: null,
        count: tickets.length,
      },
    };
  };

  const http = await startFakeHttp({
    routes: [
      { method: 'GET', path: /^\/api\/v2\/tickets\.json$/, handler: byExternalId },
      { method: 'GET', path: /^\/api\/v2\/search\.json$/, handler: search },
      { method: 'GET', path: /^\/api\/v2\/organizations\/show_many\.json$/, handler: organizations },
      { method: 'POST', path: /^\/api\/v2\/tickets\.json$/, handler: create },
      { method: 'PUT', path: /^\/api\/v2\/tickets\/([^/]+)\.json$/, handler: update },
    ],
    authorize: (req) =>
      req.headers.authorization === basic || req.headers.authorization === `Bearer ${seed.token}`
        ? null
        : { status: 401, body: { error: "Couldn't authenticate you" } },
    notFound: error(404, 'InvalidEndpoint', 'Not found'),
  });
  state.base = http.base;

  return {
    base: http.base,
    http,
    logged,
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(size: number) {
      state.pageSize = size;
    },
    rateLimit(count, retryAfterSeconds) {
      http.inject(count, {
        ...error(429, 'TooManyRequests', 'You have exceeded the rate limit for this account'),
        headers: { 'retry-after': String(retryAfterSeconds) },
      });
    },
    close: () => http.close(),
  };
}
