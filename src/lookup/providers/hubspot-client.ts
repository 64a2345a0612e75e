// HubSpot's REST API, the few calls screenpop makes: plain fetch and zod schemas of the answers.
//
// Why not @hubspot/api-client: it is generated for every HubSpot API (tens of MB installed, its own retry and
// bottleneck layers), and we make five calls: contacts search, company read, owner read, tickets search, calls
// create / update / search. Plain fetch keeps our time budget and AbortSignal in charge, and zod checks exactly
// the fields we read (HubSpot's answers are untrusted input like any other CRM's).
import { z } from 'zod';

/** HubSpot's error body: { status: "error", message, correlationId, category | errorType, ... }. */
const errorBody = z.looseObject({
  message: z.string().optional(),
  category: z.string().optional(),
  errorType: z.string().optional(),
  policyName: z.string().optional(),
});

/** A failed HubSpot request: status (null: no answer), and seconds to wait when HubSpot rate-limited us. */
export class HubSpotError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'HubSpotError';
  }

  /** 429, 5xx and no answer may pass; 400, 401, 403, 404 will not by themselves. */
  get retryable(): boolean {
    return this.status === null || this.status === 429 || this.status >= 500;
  }
}

export const objectSchema = z.object({
  id: z.string(),
  properties: z.record(z.string(), z.string().nullable()).default({}),
});
export type HubSpotObject = z.infer<typeof objectSchema>;

export const searchAnswer = z.object({
  total: z.number().optional(),
  results: z.array(objectSchema),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});

export interface SearchFilter {
  readonly propertyName: string;
  readonly operator: 'EQ' | 'NEQ' | 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY';
  readonly value?: string;
}

export interface HubSpotClientOptions {
  readonly apiUrl: string;
  readonly token: string;
  readonly timeoutMs: number;
}

/** Seconds to wait after a 429: Retry-After when sent, else one second for the per-second limit, else the window. */
function retryAfter(response: Response, body: z.infer<typeof errorBody> | null): number {
  const header = Number(response.headers.get('retry-after'));
  if (Number.isFinite(header) && header > 0) {
    return header;
  }
  if (body?.policyName === 'SECONDLY' || body?.policyName === undefined) {
    return 1;
  }
  const window = Number(response.headers.get('x-hubspot-ratelimit-interval-milliseconds'));
  return Number.isFinite(window) && window > 0 ? Math.ceil(window / 1000) : 10;
}

async function failure(response: Response): Promise<HubSpotError> {
  const text = await response.text().catch(() => '');
  let body: z.infer<typeof errorBody> | null;
  try {
    const parsed = errorBody.safeParse(JSON.parse(text));
    body = parsed.success ? parsed.data : null;
  } catch {
    body = null;
  }
  // The category names the cause ("INVALID_AUTHENTICATION", "RATE_LIMIT", "VALIDATION_ERROR"); the message is
  // HubSpot's own words, kept short (it never holds our token).
  const kind = body?.category ?? body?.errorType ?? null;
  const what = `HubSpot HTTP ${response.status}${kind === null ? '' : ` ${kind}`}`;
  const message = body?.message === undefined ? what : `${what}: ${body.message.slice(0, 200)}`;
  return new HubSpotError(
    message,
    response.status,
    response.status === 429 ? retryAfter(response, body) : null,
  );
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `HubSpot timed out after ${timeoutMs} ms`;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return 'cancelled';
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
  return `HubSpot request failed${cause === null ? '' : ` (${cause})`}`;
}

export class HubSpotClient {
  constructor(private readonly options: HubSpotClientOptions) {}

  /** One request; the answer parsed by `schema`. Rejects with HubSpotError. */
  async request<T>(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    signal: AbortSignal,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${this.options.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.any([signal, timeout]),
        redirect: 'error',
      });
    } catch (error) {
      throw new HubSpotError(
        describe(timeout.aborted ? timeout.reason : error, this.options.timeoutMs),
        null,
      );
    }
    if (!response.ok) {
      throw await failure(response);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new HubSpotError('HubSpot answered malformed JSON', response.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new HubSpotError('HubSpot answered an unexpected shape', response.status);
    }
    return parsed.data;
  }

  /** CRM search over one object type, following paging.next.after up to `maxResults`. */
  async search(
    objectType: string,
    query: { filterGroups: readonly { filters: readonly SearchFilter[] }[]; properties: readonly string[] },
    maxResults: number,
    signal: AbortSignal,
  ): Promise<HubSpotObject[]> {
    const found: HubSpotObject[] = [];
    let after: string | undefined;
    do {
      const page = await this.request(
        'POST',
        `/crm/v3/objects/${objectType}/search`,
        { ...query, limit: Math.min(100, maxResults), ...(after === undefined ? {} : { after }) },
        searchAnswer,
        signal,
      );
      found.push(...page.results);
      after = page.paging?.next?.after;
    } while (after !== undefined && found.length < maxResults);
    return found.slice(0, maxResults);
  }
}
