// Test support: a local HubSpot API on loopback that follows HubSpot's public CRM v3 docs for the calls screenpop
// makes: private-app bearer auth (401 body), CRM search (filterGroups ORed, filters ANDed; limit, paging.next.after),
// object reads, owners, account details, calls create / update; 429 with its body and X-HubSpot-RateLimit headers,
// 400 / 404 error bodies. Records live in memory; tests seed them and read what screenpop wrote.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface FakeObject {
  readonly id: string;
  properties: Record<string, string | null>;
  /** Associated ids by object type ("contacts", "companies"). */
  associations: Record<string, string[]>;
  readonly createdAt: string;
  updatedAt: string;
}

type ObjectType = 'contacts' | 'companies' | 'tickets' | 'calls';

export interface FakeHubSpot {
  /** http://127.0.0.1:PORT — the apiUrl of a provider entry. */
  readonly url: string;
  readonly token: string;
  readonly portalId: number;
  readonly objects: Record<ObjectType, Map<string, FakeObject>>;
  readonly owners: Map<string, { id: string; email: string; firstName: string; lastName: string }>;
  /** Every request: method, path (with query), and whether its token was right. */
  readonly requests: { method: string; path: string; authorized: boolean }[];
  /** The next n requests answer 429 (HubSpot's secondly limit). */
  rateLimitNext(n: number): void;
  /** Adds a record; returns its id. */
  add(
    type: ObjectType,
    properties: Record<string, string | null>,
    associations?: Record<string, string[]>,
  ): string;
  /** Stops listening (requests meet a refused connection); up() listens on the same port again. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

interface Filter {
  propertyName: string;
  operator: string;
  value?: unknown;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers })
    .end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, category: string, message: string): void {
  send(res, status, { status: 'error', message, correlationId: randomUUID(), category });
}

function matches(object: FakeObject, filter: Filter): boolean {
  if (filter.propertyName.startsWith('associations.')) {
    const type = `${filter.propertyName.slice('associations.'.length)}s`;
    const linked = object.associations[type] ?? [];
    return filter.operator === 'EQ'
      ? linked.includes(String(filter.value))
      : !linked.includes(String(filter.value));
  }
  const value = object.properties[filter.propertyName] ?? null;
  switch (filter.operator) {
    case 'EQ':
      return value !== null && value.toLowerCase() === String(filter.value).toLowerCase();
    case 'NEQ':
      return value === null || value.toLowerCase() !== String(filter.value).toLowerCase();
    case 'HAS_PROPERTY':
      return value !== null && value !== '';
    case 'NOT_HAS_PROPERTY':
      return value === null || value === '';
    default:
      return false;
  }
}

function view(object: FakeObject, properties: readonly string[]) {
  const shown: Record<string, string | null> = {
    hs_object_id: object.id,
    createdate: object.createdAt,
    lastmodifieddate: object.updatedAt,
  };
  for (const p of properties) {
    shown[p] = object.properties[p] ?? null;
  }
  return {
    id: object.id,
    properties: shown,
    createdAt: object.createdAt,
    updatedAt: object.updatedAt,
    archived: false,
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

export async function startFakeHubSpot(
  token = 'pat-na1-test-token',
  portalId = 2_4681_357,
): Promise<FakeHubSpot> {
  let nextId = 1001;
  let limited = 0;
  const objects: FakeHubSpot['objects'] = {
    contacts: new Map(),
    companies: new Map(),
    tickets: new Map(),
    calls: new Map(),
  };
  const owners: FakeHubSpot['owners'] = new Map();
  const requests: FakeHubSpot['requests'] = [];

  function add(
    type: ObjectType,
    properties: Record<string, string | null>,
    associations: Record<string, string[]> = {},
  ): string {
    const id = String(nextId++);
    const now = new Date().toISOString();
    objects[type].set(id, {
      id,
      properties: { ...properties },
      associations,
      createdAt: now,
      updatedAt: now,
    });
    return id;
  }

  function search(type: ObjectType, body: unknown, res: ServerResponse): void {
    const b = (body ?? {}) as {
      filterGroups?: { filters?: Filter[] }[];
      properties?: string[];
      limit?: number;
      after?: string;
    };
    const groups = b.filterGroups ?? [];
    if (groups.length > 5 || groups.some((g) => (g.filters ?? []).length > 6)) {
      error(res, 400, 'VALIDATION_ERROR', 'Invalid input JSON: too many filterGroups or filters');
      return;
    }
    const limit = b.limit ?? 10;
    if (limit < 1 || limit > 200) {
      error(res, 400, 'VALIDATION_ERROR', 'limit must be between 1 and 200');
      return;
    }
    const all = [...objects[type].values()].filter(
      (o) => groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => matches(o, f))),
    );
    const start = Number(b.after ?? '0');
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : null;
    send(res, 200, {
      total: all.length,
      results: page.map((o) => view(o, b.properties ?? [])),
      ...(next === null ? {} : { paging: { next: { after: next, link: `?after=${next}` } } }),
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const authorized = req.headers.authorization === `Bearer ${token}`;
    requests.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, authorized });
    if (req.headers.authorization === undefined) {
      error(
        res,
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
      return;
    }
    if (!authorized) {
      error(
        res,
        401,
        'INVALID_AUTHENTICATION',
        'The OAuth token used to make this call expired or is invalid.',
      );
      return;
    }
    if (limited > 0) {
      limited -= 1;
      send(
        res,
        429,
        {
          status: 'error',
          message: 'You have reached your secondly limit.',
          errorType: 'RATE_LIMIT',
          correlationId: randomUUID(),
          policyName: 'SECONDLY',
          groupName: `publicapi:private-app:${portalId}`,
        },
        {
          'x-hubspot-ratelimit-interval-milliseconds': '10000',
          'x-hubspot-ratelimit-max': '100',
          'x-hubspot-ratelimit-remaining': '0',
          'x-hubspot-ratelimit-secondly': '10',
          'x-hubspot-ratelimit-secondly-remaining': '0',
        },
      );
      return;
    }
    const body = await readBody(req).catch(() => null);
    if (body === null) {
      error(res, 400, 'VALIDATION_ERROR', 'Invalid input JSON on line 1');
      return;
    }
    const path = url.pathname;
    const searchPath = /^\/crm\/v3\/objects\/(contacts|companies|tickets|calls)\/search$/.exec(path);
    const objectPath = /^\/crm\/v3\/objects\/(contacts|companies|tickets|calls)\/([^/]+)$/.exec(path);
    const owner = /^\/crm\/v3\/owners\/([^/]+)$/.exec(path);
    if (req.method === 'POST' && searchPath !== null) {
      search(searchPath[1] as ObjectType, body, res);
    } else if (req.method === 'GET' && objectPath !== null) {
      const found = objects[objectPath[1] as ObjectType].get(objectPath[2] ?? '');
      if (found === undefined) {
        error(res, 404, 'OBJECT_NOT_FOUND', 'resource not found');
        return;
      }
      send(res, 200, view(found, (url.searchParams.get('properties') ?? '').split(',').filter(Boolean)));
    } else if (req.method === 'GET' && owner !== null) {
      const found = owners.get(owner[1] ?? '');
      if (found === undefined) {
        error(res, 404, 'OBJECT_NOT_FOUND', 'resource not found');
        return;
      }
      send(res, 200, {
        ...found,
        userId: Number(found.id),
        createdAt: '2024-01-01T00:00:00Z',
        updatedAt: '2024-01-01T00:00:00Z',
        archived: false,
      });
    } else if (req.method === 'GET' && path === '/account-info/v3/details') {
      send(res, 200, {
        portalId,
        accountType: 'STANDARD',
        timeZone: 'US/Eastern',
        companyCurrency: 'USD',
        uiDomain: 'app.hubspot.com',
        dataHostingLocation: 'na1',
      });
    } else if (req.method === 'POST' && path === '/crm/v3/objects/calls') {
      createCall(body, res);
    } else if (req.method === 'PATCH' && objectPath?.[1] === 'calls') {
      const found = objects.calls.get(objectPath[2] ?? '');
      if (found === undefined) {
        error(res, 404, 'OBJECT_NOT_FOUND', 'resource not found');
        return;
      }
      const props = ((body ?? {}) as { properties?: Record<string, string> }).properties ?? {};
      found.properties = { ...found.properties, ...props };
      found.updatedAt = new Date().toISOString();
      send(res, 200, view(found, Object.keys(found.properties)));
    } else {
      error(res, 404, 'OBJECT_NOT_FOUND', `Unable to route ${req.method} request to ${path}`);
    }
  }

  function createCall(body: unknown, res: ServerResponse): void {
    const b = (body ?? {}) as {
      properties?: Record<string, string>;
      associations?: {
        to?: { id?: string };
        types?: { associationCategory?: string; associationTypeId?: number }[];
      }[];
    };
    const props = b.properties ?? {};
    if (props.hs_timestamp === undefined) {
      error(res, 400, 'VALIDATION_ERROR', 'Property values were not valid: hs_timestamp is required');
      return;
    }
    const contacts: string[] = [];
    for (const a of b.associations ?? []) {
      const id = a.to?.id ?? '';
      const type = a.types?.[0];
      if (
        type?.associationCategory !== 'HUBSPOT_DEFINED' ||
        type.associationTypeId !== 194 ||
        !objects.contacts.has(id)
      ) {
        error(res, 400, 'VALIDATION_ERROR', `One or more associations are invalid: ${id}`);
        return;
      }
      contacts.push(id);
    }
    const id = add('calls', props, { contacts });
    send(res, 201, view(objects.calls.get(id)!, Object.keys(props)));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => error(res, 500, 'INTERNAL_ERROR', 'internal error'));
  });
  const listen = (port: number): Promise<void> =>
    new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    portalId,
    objects,
    owners,
    requests,
    rateLimitNext(n) {
      limited = n;
    },
    add,
    down: stop,
    up: () => listen(port),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}
