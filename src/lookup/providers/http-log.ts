// The "http" provider's `log` section: how a call record is written to the CRM (method, URL and JSON body
// templates), how it is updated (method and URL with ${crmId}), and where the CRM's id is in its answer.
import { z } from 'zod';
import { parsePath, readPath } from './json-path.ts';
import type { Path } from './json-path.ts';
import { ENV_REF, expandEnv } from './provider-entry.ts';
import type { EntryContext } from './provider-entry.ts';
import type { CrmCallRecord } from './call-record.ts';

/** The record's fields a template may name as {field}. */
export const LOG_PLACEHOLDERS = [
  'callId',
  'direction',
  'from',
  'to',
  'startedAt',
  'startedAtMs',
  'answeredAt',
  'endedAt',
  'talkSeconds',
  'durationMs',
  'outcome',
  'agent',
  'agentName',
  'notes',
  'disposition',
  'contactId',
  'contactName',
] as const;
type Placeholder = (typeof LOG_PLACEHOLDERS)[number];

const method = z.enum(['POST', 'PUT', 'PATCH']);

export const logSchema = z
  .object({
    method: method.default('POST'),
    /** Where a new record is created: {field} placeholders (URL-encoded) and ${ENV} references. */
    url: z.string(),
    /** JSON body template: strings may hold {field}; a string that is only "{field}" becomes that value as is. */
    body: z.unknown(),
    /** How the same record is updated later (notes saved): the URL names it by ${crmId}. */
    update: z.object({ method: method.default('PATCH'), url: z.string() }).strict(),
    /** Where the CRM's id of the new record is in its JSON answer ("id", "data.id"). */
    idPath: z.string(),
    /** Link to the record in the CRM's web app, with ${crmId}; optional. */
    recordUrl: z.string().optional(),
  })
  .strict();

export interface HttpLogConfig {
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly url: string;
  readonly body: unknown;
  readonly update: { readonly method: 'POST' | 'PUT' | 'PATCH'; readonly url: string };
  readonly idPath: Path;
  readonly recordUrl: string | null;
}

// ${crmId} is the CRM's id of the record, filled in per write; every other ${NAME} is an environment reference.
const CRM_ID = '${crmId}';
const CRM_ID_MARK = '\u0000crmId\u0000';

function expandTemplate(text: string, field: string, ctx: EntryContext): string {
  return expandEnv(text.split(CRM_ID).join(CRM_ID_MARK), field, ctx).split(CRM_ID_MARK).join(CRM_ID);
}

function checkPlaceholders(text: string, field: string, ctx: EntryContext): void {
  const unknown = [...text.replace(ENV_REF, '').matchAll(/\{([^}]*)\}/g)]
    .map((m) => m[1] ?? '')
    .filter((p) => !(LOG_PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    ctx.problems.push(
      `${ctx.where}.${field}: unknown placeholder {${unknown.join('}, {')}}; use ${LOG_PLACEHOLDERS.join(', ')}`,
    );
  }
}

function checkUrl(template: string, field: string, ctx: EntryContext): void {
  checkPlaceholders(template, field, ctx);
  const sample = template.replace(ENV_REF, 'x').replace(/\{[^}]*\}/g, '0');
  if (!URL.canParse(sample) || !/^https?:$/.test(new URL(sample).protocol)) {
    ctx.problems.push(`${ctx.where}.${field}: must be an http(s) URL template`);
  }
}

function checkBody(value: unknown, field: string, ctx: EntryContext): unknown {
  if (typeof value === 'string') {
    checkPlaceholders(value, field, ctx);
    return expandTemplate(value, field, ctx);
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => checkBody(v, `${field}.${i}`, ctx));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, checkBody(v, `${field}.${k}`, ctx)]));
  }
  return value;
}

/** A parsed `log` section → its config, env references resolved; problems pushed to ctx. */
export function parseLogSection(log: z.infer<typeof logSchema>, ctx: EntryContext): HttpLogConfig | null {
  checkUrl(log.url, 'log.url', ctx);
  checkUrl(log.update.url, 'log.update.url', ctx);
  if (!log.update.url.includes(CRM_ID)) {
    ctx.problems.push(`${ctx.where}.log.update.url: must name the record by \${crmId}`);
  }
  if (log.body === undefined) {
    ctx.problems.push(`${ctx.where}.log.body: a JSON body template is required`);
  }
  let idPath: Path | null = null;
  try {
    idPath = parsePath(log.idPath);
  } catch (error) {
    ctx.problems.push(`${ctx.where}.log.idPath: ${error instanceof Error ? error.message : 'bad path'}`);
  }
  const body = checkBody(log.body, 'log.body', ctx);
  if (idPath === null) {
    return null;
  }
  return {
    method: log.method,
    url: expandTemplate(log.url, 'log.url', ctx),
    body,
    update: { method: log.update.method, url: expandTemplate(log.update.url, 'log.update.url', ctx) },
    idPath,
    recordUrl: log.recordUrl === undefined ? null : expandTemplate(log.recordUrl, 'log.recordUrl', ctx),
  };
}

/** The record's values by placeholder name. */
function values(record: CrmCallRecord): Record<Placeholder, string | number | null> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    callId: record.callId,
    direction: record.direction,
    from: record.from,
    to: record.to,
    startedAt: iso(record.startedAt),
    startedAtMs: record.startedAt,
    answeredAt: iso(record.answeredAt),
    endedAt: iso(record.endedAt),
    talkSeconds: record.talkSeconds,
    durationMs: record.talkSeconds * 1000,
    outcome: record.outcome,
    agent: record.agent?.principal ?? null,
    agentName: record.agent?.name ?? record.agent?.principal ?? null,
    notes: record.notes,
    disposition: record.disposition,
    contactId: record.contact?.externalId ?? null,
    contactName: record.contact?.name ?? null,
  };
}

function fill(text: string, v: Record<string, string | number | null>, encode: boolean): string {
  return text.replace(/\{([A-Za-z]+)\}/g, (whole, key: string) => {
    if (!Object.hasOwn(v, key)) {
      return whole;
    }
    const value = String(v[key] ?? '');
    return encode ? encodeURIComponent(value) : value;
  });
}

/** The URL with the record's fields (URL-encoded) and the CRM's id filled in. */
export function fillLogUrl(template: string, record: CrmCallRecord, crmId: string | null): string {
  const withId = crmId === null ? template : template.split(CRM_ID).join(encodeURIComponent(crmId));
  return fill(withId, values(record), true);
}

/** The body template with the record's fields: "{talkSeconds}" alone stays a number, null stays null. */
export function fillLogBody(template: unknown, record: CrmCallRecord): unknown {
  const v = values(record);
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const only = /^\{([A-Za-z]+)\}$/.exec(node);
      if (only !== null && Object.hasOwn(v, only[1] ?? '')) {
        return v[only[1] as Placeholder];
      }
      return fill(node, v, false);
    }
    if (Array.isArray(node)) {
      return node.map(walk);
    }
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, n]) => [k, walk(n)]));
    }
    return node;
  };
  return walk(template);
}

/** The CRM's id of the record, from its answer; null when the path finds no string or number. */
export function readLogId(body: unknown, path: Path): string | null {
  const [value] = readPath(body, path);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}
