// The "http" provider kind's entry: a URL template, headers, and JSON paths from the answer to contact fields.
import { z } from 'zod';
import { parsePath } from './json-path.ts';
import type { Path } from './json-path.ts';
import { logSchema, parseLogSection } from './http-log.ts';
import type { HttpLogConfig } from './http-log.ts';
import { ENV_REF, baseConfig, entrySchema, expandEnv, parseEntry } from './provider-entry.ts';
import type { EntryContext, ProviderBase } from './provider-entry.ts';

const path = z.string().transform((text, ctx) => {
  try {
    return parsePath(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'bad path' });
    return z.NEVER;
  }
});

const ticketsSchema = z
  .object({ from: path, id: path, title: path, status: path.optional(), url: path.optional() })
  .strict();
const appointmentsSchema = z.object({ from: path, at: path, title: path }).strict();

const fieldsSchema = z
  .object({
    name: path,
    company: path.optional(),
    email: path.optional(),
    tier: path.optional(),
    tags: path.optional(),
    recordUrl: path.optional(),
    externalId: path.optional(),
    tickets: ticketsSchema.optional(),
    appointments: appointmentsSchema.optional(),
  })
  .strict();

const PLACEHOLDERS = ['e164', 'e164_digits', 'national', 'raw'] as const;

const httpEntrySchema = entrySchema({
  /** URL template: {e164} {e164_digits} {national} {raw}, each URL-encoded when filled in. */
  url: z.string(),
  /** Request headers; values may reference env vars ("Bearer ${CRM_TOKEN}") so secrets stay out of the JSON. */
  headers: z.record(z.string(), z.string()).default({}),
  fields: fieldsSchema,
  timeoutMs: z.number().int().min(10).max(60_000).default(2000),
  /** Call logging into this CRM (see http-log.ts); absent: calls are not logged here. */
  log: logSchema.optional(),
});

export interface TicketMapping {
  readonly from: Path;
  readonly id: Path;
  readonly title: Path;
  readonly status?: Path;
  readonly url?: Path;
}

/** Where each contact field is found in the provider's JSON answer. */
export interface FieldMapping {
  readonly name: Path;
  readonly company?: Path;
  readonly email?: Path;
  readonly tier?: Path;
  readonly tags?: Path;
  readonly recordUrl?: Path;
  readonly externalId?: Path;
  readonly tickets?: TicketMapping;
  readonly appointments?: { readonly from: Path; readonly at: Path; readonly title: Path };
}

export interface HttpProviderConfig extends ProviderBase<'http'> {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly fields: FieldMapping;
  readonly timeoutMs: number;
  /** How calls are written to this CRM; null when they are not. */
  readonly log: HttpLogConfig | null;
}

function checkUrlTemplate(template: string, ctx: EntryContext): void {
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)]
    .map((m) => m[1] ?? '')
    .filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    ctx.problems.push(
      `${ctx.where}.url: unknown placeholder {${unknown.join('}, {')}}; use ${PLACEHOLDERS.join(', ')}`,
    );
  }
  const sample = template.replace(/\{[^}]*\}/g, '0');
  if (!URL.canParse(sample) || !/^https?:$/.test(new URL(sample).protocol)) {
    ctx.problems.push(`${ctx.where}.url: must be an http(s) URL template`);
  }
}

/** One "http" entry → its config, env references in the URL and headers resolved; null after its problems. */
export function parseHttpEntry(entry: unknown, ctx: EntryContext): HttpProviderConfig | null {
  const p = parseEntry(httpEntrySchema, entry, ctx);
  if (p === null) {
    return null;
  }
  checkUrlTemplate(p.url.replace(ENV_REF, 'env'), ctx);
  const headers = Object.fromEntries(
    Object.entries(p.headers).map(([k, v]) => [k, expandEnv(v, `headers.${k}`, ctx)]),
  );
  return {
    ...baseConfig('http', p, ctx),
    url: expandEnv(p.url, 'url', ctx),
    headers,
    fields: p.fields,
    timeoutMs: p.timeoutMs,
    log: p.log === undefined ? null : parseLogSection(p.log, ctx),
  };
}
