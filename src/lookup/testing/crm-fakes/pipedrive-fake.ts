// A local Pipedrive (API v1) for tests, after its public reference: x-api-token or bearer auth, person search on
// the phone field with start/limit paging, a person's deals, users, and call activities it records for counting.
import { phoneMatches, startFakeHttp } from './fake-http.ts';
import type { FakeHttp, FakeReply, FakeRequest } from './fake-http.ts';

export interface FakePerson {
  readonly id: number;
  readonly name: string;
  readonly phones: readonly string[];
  readonly emails?: readonly string[];
  readonly ownerId?: number;
  readonly org?: { readonly id: number; readonly name: string } | null;
}

export interface FakeDeal {
  readonly id: number;
  readonly personId: number;
  readonly title: string;
  readonly status: 'open' | 'won' | 'lost';
}

export interface FakeActivity {
  readonly id: number;
  body: Record<string, unknown>;
  /** How many times it was updated (PUT). */
  updates: number;
}

export interface PipedriveFake {
  /** The API root to configure as apiUrl (…/api/v1). */
  readonly api: string;
  readonly http: FakeHttp;
  readonly activities: Map<number, FakeActivity>;
  /** Largest page the fake serves, whatever limit is asked (to exercise paging with few records). */
  pageSize: number;
  /** The next `count` requests get Pipedrive's 429 with its rate-limit headers. */
  rateLimit(count: number, resetSeconds: number): void;
  close(): Promise<void>;
}

const fail = (status: number, error: string): FakeReply => ({
  status,
  body: { success: false, error, errorCode: status, error_info: 'Please check developers.pipedrive.com' },
});

const HHMM = /^\d{2}:\d{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function activityProblem(body: unknown): string | null {
  if (body === null || typeof body !== 'object') {
    return 'Request body is not valid JSON';
  }
  const b = body as Record<string, unknown>;
  if (b.type !== undefined && !['call', 'meeting', 'task', 'email'].includes(String(b.type))) {
    return `Activity type "${String(b.type)}" does not exist`;
  }
  if (b.duration !== undefined && !HHMM.test(String(b.duration))) {
    return 'Invalid duration format. Please use HH:MM';
  }
  if (b.due_date !== undefined && !DATE.test(String(b.due_date))) {
    return 'Invalid due_date format. Please use YYYY-MM-DD';
  }
  return null;
}

export async function startPipedriveFake(seed: {
  token: string;
  persons: readonly FakePerson[];
  deals?: readonly FakeDeal[];
  users?: readonly { id: number; name: string }[];
}): Promise<PipedriveFake> {
  const activities = new Map<number, FakeActivity>();
  let nextId = 1000;
  const state = { pageSize: 100 };

  const search = (req: FakeRequest): FakeReply => {
    const term = req.query.get('term') ?? '';
    if (term.length < 2) {
      return fail(400, 'Search term must be at least 2 characters long');
    }
    const start = Number(req.query.get('start') ?? '0');
    const limit = Math.min(Number(req.query.get('limit') ?? '100'), state.pageSize);
    const hits = seed.persons.filter((p) => p.phones.some((ph) => phoneMatches(ph, term)));
    const page = hits.slice(start, start + limit);
    const more = start + limit < hits.length;
    return {
      status: 200,
      body: {
        success: true,
        data: {
          items: page.map((p) => ({
            result_score: 0.9,
            item: {
              id: p.id,
              type: 'person',
              name: p.name,
              phones: p.phones,
              emails: p.emails ?? [],
              visible_to: 3,
              owner: p.ownerId === undefined ? null : { id: p.ownerId },
              organization: p.org === undefined || p.org === null ? null : { ...p.org, address: null },
              custom_fields: [],
              notes: [],
            },
          })),
        },
        additional_data: {
          pagination: {
            start,
            limit,
            more_items_in_collection: more,
            ...(more ? { next_start: start + limit } : {}),
          },
        },
      },
    };
  };

  const deals = (req: FakeRequest, [id]: readonly string[]): FakeReply => {
    if (!seed.persons.some((p) => String(p.id) === id)) {
      return fail(404, 'Person not found');
    }
    const status = req.query.get('status') ?? 'all_not_deleted';
    const list = (seed.deals ?? []).filter(
      (d) => String(d.personId) === id && (status === 'all_not_deleted' || d.status === status),
    );
    return {
      status: 200,
      body: {
        success: true,
        data: list.length === 0 ? null : list.map((d) => ({ id: d.id, title: d.title, status: d.status })),
        additional_data: { pagination: { start: 0, limit: 100, more_items_in_collection: false } },
      },
    };
  };

  const personActivities = (req: FakeRequest, [id]: readonly string[]): FakeReply => {
    const done = req.query.get('done');
    const list = [...activities.values()].filter(
      (a) => String(a.body.person_id) === id && (done === null || String(a.body.done) === done),
    );
    return {
      status: 200,
      body: {
        success: true,
        data: list.length === 0 ? null : list.map((a) => ({ id: a.id, ...a.body })),
        additional_data: { pagination: { start: 0, limit: 100, more_items_in_collection: false } },
      },
    };
  };

  const user = (_req: FakeRequest, [id]: readonly string[]): FakeReply => {
    const u = (seed.users ?? []).find((x) => String(x.id) === id);
    return u === undefined ? fail(404, 'User not found') : { status: 200, body: { success: true, data: u } };
  };

  const create = (req: FakeRequest): FakeReply => {
    const problem = activityProblem(req.body);
    if (problem !== null) {
      return fail(400, problem);
    }
    nextId += 1;
    const activity = { id: nextId, body: req.body as Record<string, unknown>, updates: 0 };
    activities.set(nextId, activity);
    return { status: 201, body: { success: true, data: { id: nextId, ...activity.body } } };
  };

  const update = (req: FakeRequest, [id]: readonly string[]): FakeReply => {
    const activity = activities.get(Number(id));
    if (activity === undefined) {
      return fail(404, 'Activity not found');
    }
    const problem = activityProblem(req.body);
    if (problem !== null) {
      return fail(400, problem);
    }
    activity.body = { ...activity.body, ...(req.body as Record<string, unknown>) };
    activity.updates += 1;
    return { status: 200, body: { success: true, data: { id: activity.id, ...activity.body } } };
  };

  const http = await startFakeHttp({
    routes: [
      { method: 'GET', path: /^\/api\/v1\/persons\/search$/, handler: search },
      { method: 'GET', path: /^\/api\/v1\/persons\/(\d+)\/deals$/, handler: deals },
      { method: 'GET', path: /^\/api\/v1\/persons\/(\d+)\/activities$/, handler: personActivities },
      { method: 'GET', path: /^\/api\/v1\/users\/(\d+)$/, handler: user },
      { method: 'POST', path: /^\/api\/v1\/activities$/, handler: create },
      { method: 'PUT', path: /^\/api\/v1\/activities\/([^/]+)$/, handler: update },
    ],
    authorize: (req) =>
      req.headers['x-api-token'] === seed.token || req.headers.authorization === `Bearer ${seed.token}`
        ? null
        : fail(401, 'unauthorized access'),
    notFound: fail(404, 'Not found'),
  });

  return {
    api: `${http.base}/api/v1`,
    http,
    activities,
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(size: number) {
      state.pageSize = size;
    },
    rateLimit(count, resetSeconds) {
      http.inject(count, {
        ...fail(429, 'Request over limit'),
        headers: {
          'x-ratelimit-limit': '80',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(resetSeconds),
        },
      });
    },
    close: () => http.close(),
  };
}
