// A local Salesforce REST API for tests, after its public reference: the OAuth client credentials token endpoint,
// bearer sessions that can be expired (INVALID_SESSION_ID), SOSL "FIND {digits} IN PHONE FIELDS RETURNING …",
// the open-Case SOQL with nextRecordsUrl paging, and Tasks it records (POST, PATCH) so tests can count them.
import { digitsOf, startFakeHttp } from './fake-http.ts';
import type { FakeHttp, FakeReply, FakeRequest } from './fake-http.ts';

export interface SfFakeRecord {
  readonly type: 'Contact' | 'Lead' | 'Account';
  readonly id: string;
  readonly name: string;
  readonly phone: string;
  readonly email?: string;
  /** Contact: its account's name; Lead: Company. */
  readonly company?: string;
  readonly owner?: string;
}

export interface SfFakeCase {
  readonly id: string;
  readonly number: string;
  readonly subject: string;
  readonly status: string;
  readonly closed: boolean;
  readonly contactId?: string;
  readonly accountId?: string;
}

export interface SfFakeTask {
  readonly id: string;
  fields: Record<string, unknown>;
  updates: number;
}

export interface SalesforceFake {
  readonly base: string;
  readonly http: FakeHttp;
  readonly tasks: Map<string, SfFakeTask>;
  /** Tokens issued by the client credentials flow. */
  readonly issued: string[];
  pageSize: number;
  /** Every token the flow issued so far stops working (the org's session timeout); the static one stays. */
  expireSessions(): void;
  /** The next `count` requests get Salesforce's API-limit answer (403 REQUEST_LIMIT_EXCEEDED). */
  limitExceeded(count: number): void;
  close(): Promise<void>;
}

const VERSION = /^\/services\/data\/v\d+\.0/;
const fail = (status: number, errorCode: string, message: string, fields?: string[]): FakeReply => ({
  status,
  body: [{ message, errorCode, ...(fields === undefined ? {} : { fields }) }],
});
const TASK_FIELDS = new Set([
  'Subject',
  'Status',
  'Priority',
  'CallType',
  'CallDurationInSeconds',
  'CallObject',
  'CallDisposition',
  'ActivityDate',
  'Description',
  'WhoId',
  'WhatId',
  'TaskSubtype',
]);
const TASK_STATUSES = ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'];

export async function startSalesforceFake(seed: {
  clientId: string;
  clientSecret: string;
  /** A token that works from the start (the "accessToken" config). */
  staticToken?: string;
  records: readonly SfFakeRecord[];
  cases?: readonly SfFakeCase[];
}): Promise<SalesforceFake> {
  const tasks = new Map<string, SfFakeTask>();
  const issued: string[] = [];
  const valid = new Set<string>(seed.staticToken === undefined ? [] : [seed.staticToken]);
  const cursors = new Map<string, unknown[]>();
  const state = { pageSize: 2000, base: '', next: 0 };

  const token = (req: FakeRequest): FakeReply => {
    const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    if (form.get('grant_type') !== 'client_credentials') {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
      };
    }
    if (form.get('client_id') !== seed.clientId || form.get('client_secret') !== seed.clientSecret) {
      return {
        status: 400,
        body: { error: 'invalid_client', error_description: 'invalid client credentials' },
      };
    }
    state.next += 1;
    const access = `00DFAKE!session-${state.next}`;
    issued.push(access);
    valid.add(access);
    return {
      status: 200,
      body: {
        access_token: access,
        instance_url: state.base,
        token_type: 'Bearer',
        issued_at: String(Date.now()),
        signature: 'x',
      },
    };
  };

  const shapeRecord = (r: SfFakeRecord): Record<string, unknown> => {
    const base = {
      attributes: { type: r.type, url: `/services/data/v62.0/sobjects/${r.type}/${r.id}` },
      Id: r.id,
      Name: r.name,
    };
    const owner = r.owner === undefined ? null : { attributes: { type: 'User' }, Name: r.owner };
    switch (r.type) {
      case 'Contact':
        return {
          ...base,
          Email: r.email ?? null,
          Account: r.company === undefined ? null : { attributes: { type: 'Account' }, Name: r.company },
          Owner: owner,
        };
      case 'Lead':
        return { ...base, Email: r.email ?? null, Company: r.company ?? null, Owner: owner };
      case 'Account':
        return { ...base, Owner: owner };
    }
  };

  const search = (req: FakeRequest): FakeReply => {
    const q = req.query.get('q') ?? '';
    const m = /^FIND \{(\d+)\} IN PHONE FIELDS RETURNING (.+) LIMIT (\d+)$/.exec(q);
    if (m === null) {
      return fail(
        400,
        'MALFORMED_SEARCH',
        'No search term found. The search term must be enclosed in braces.',
      );
    }
    const [, term = '', returning = '', limit = '0'] = m;
    const types = [...returning.matchAll(/(Contact|Lead|Account)\(/g)].map((x) => x[1]);
    const hits = seed.records
      .filter((r) => types.includes(r.type) && digitsOf(r.phone).endsWith(term))
      .slice(0, Number(limit));
    return { status: 200, body: { searchRecords: hits.map(shapeRecord) } };
  };

  const page = (rows: unknown[]): FakeReply => {
    const now = rows.slice(0, state.pageSize);
    const rest = rows.slice(state.pageSize);
    let nextRecordsUrl: string | undefined;
    if (rest.length > 0) {
      state.next += 1;
      const cursor = `01gFAKE${state.next}-${now.length}`;
      cursors.set(cursor, rest);
      nextRecordsUrl = `/services/data/v62.0/query/${cursor}`;
    }
    return {
      status: 200,
      body: {
        totalSize: rows.length,
        done: rest.length === 0,
        records: now,
        ...(nextRecordsUrl ? { nextRecordsUrl } : {}),
      },
    };
  };

  const query = (req: FakeRequest): FakeReply => {
    const q = req.query.get('q') ?? '';
    const call =
      /^SELECT Id FROM Task WHERE CallObject = '((?:[^'\\]|\\.)*)' ORDER BY CreatedDate DESC LIMIT 1$/.exec(
        q,
      );
    if (call !== null) {
      const wanted = (call[1] ?? '').replace(/\\(.)/g, '$1');
      const found = [...tasks.values()].filter((t) => t.fields.CallObject === wanted).slice(-1);
      return page(found.map((t) => ({ attributes: { type: 'Task' }, Id: t.id })));
    }
    const ids = /ContactId IN \(([^)]*)\)/.exec(q)?.[1];
    if (
      !q.startsWith(
        'SELECT Id, CaseNumber, Subject, Status, ContactId, AccountId FROM Case WHERE IsClosed = false',
      ) ||
      ids === undefined
    ) {
      return fail(400, 'MALFORMED_QUERY', 'unexpected token');
    }
    const wanted = new Set([...ids.matchAll(/'([A-Za-z0-9]+)'/g)].map((x) => x[1]));
    const rows = (seed.cases ?? [])
      .filter((c) => !c.closed && (wanted.has(c.contactId) || wanted.has(c.accountId)))
      .map((c) => ({
        attributes: { type: 'Case' },
        Id: c.id,
        CaseNumber: c.number,
        Subject: c.subject,
        Status: c.status,
        ContactId: c.contactId ?? null,
        AccountId: c.accountId ?? null,
      }));
    return page(rows);
  };

  const more = (_req: FakeRequest, [cursor = '']: readonly string[]): FakeReply => {
    const rows = cursors.get(cursor);
    return rows === undefined ? fail(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator') : page(rows);
  };

  const checkTask = (fields: Record<string, unknown>, creating: boolean): FakeReply | null => {
    for (const key of Object.keys(fields)) {
      if (!TASK_FIELDS.has(key)) {
        return fail(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type Task`);
      }
    }
    if (!creating && 'TaskSubtype' in fields) {
      return fail(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'Unable to create/update fields: TaskSubtype.', [
        'TaskSubtype',
      ]);
    }
    if (fields.Status !== undefined && !TASK_STATUSES.includes(String(fields.Status))) {
      return fail(
        400,
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        'Status: bad value for restricted picklist field',
        ['Status'],
      );
    }
    const who = fields.WhoId;
    if (who !== undefined && !seed.records.some((r) => r.id === who && r.type !== 'Account')) {
      return fail(400, 'FIELD_INTEGRITY_EXCEPTION', 'Name ID: id value of incorrect type', ['WhoId']);
    }
    return null;
  };

  const createTask = (req: FakeRequest): FakeReply => {
    const fields = (req.body ?? {}) as Record<string, unknown>;
    const problem = checkTask(fields, true);
    if (problem !== null) {
      return problem;
    }
    state.next += 1;
    const id = `00T${String(state.next).padStart(15, '0')}`;
    tasks.set(id, { id, fields, updates: 0 });
    return { status: 201, body: { id, success: true, errors: [] } };
  };

  const patchTask = (req: FakeRequest, [id = '']: readonly string[]): FakeReply => {
    const t = tasks.get(id);
    if (t === undefined) {
      return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    const fields = (req.body ?? {}) as Record<string, unknown>;
    const problem = checkTask(fields, false);
    if (problem !== null) {
      return problem;
    }
    t.fields = { ...t.fields, ...fields };
    t.updates += 1;
    return { status: 204 };
  };

  const data = (rest: string): RegExp => new RegExp(`${VERSION.source}${rest}$`);
  const http = await startFakeHttp({
    routes: [
      { method: 'POST', path: /^\/services\/oauth2\/token$/, handler: token },
      { method: 'GET', path: data('\\/search\\/?'), handler: search },
      { method: 'GET', path: data('\\/query\\/?'), handler: query },
      { method: 'GET', path: data('\\/query\\/([A-Za-z0-9-]+)'), handler: more },
      { method: 'POST', path: data('\\/sobjects\\/Task\\/?'), handler: createTask },
      { method: 'PATCH', path: data('\\/sobjects\\/Task\\/([A-Za-z0-9]+)'), handler: patchTask },
    ],
    authorize: (req) => {
      if (req.path === '/services/oauth2/token') {
        return null;
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      return bearer !== undefined && valid.has(bearer)
        ? null
        : fail(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    },
    notFound: fail(404, 'NOT_FOUND', 'The requested resource does not exist'),
  });
  state.base = http.base;

  return {
    base: http.base,
    http,
    tasks,
    issued,
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(size: number) {
      state.pageSize = size;
    },
    expireSessions: () => {
      for (const t of issued) {
        valid.delete(t);
      }
    },
    limitExceeded(count) {
      http.inject(count, {
        ...fail(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
        headers: { 'sforce-limit-info': 'api-usage=15000/15000' },
      });
    },
    close: () => http.close(),
  };
}
