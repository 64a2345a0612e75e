// SCREENPOP_LOOKUP_PROVIDERS: a JSON array of HTTP lookup providers, validated entry by entry.
import { z } from 'zod';
import { parsePath } from './json-path.ts';
import type { Path } from './json-path.ts';

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

const providerSchema = z
  .object({
    /** Shown on the card ("from CRM (hubspot)") and used in contact ids. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, - and _ (max 40)'),
    /** URL template: {e164} {e164_digits} {national} {raw}, each URL-encoded when filled in. */
    url: z.string(),
    /** Request headers; values may reference env vars ("Bearer ${CRM_TOKEN}") so secrets stay out of the JSON. */
    headers: z.record(z.string(), z.string()).default({}),
    fields: fieldsSchema,
    timeoutMs: z.number().int().min(10).max(60_000).default(2000),
    /** Lower answers first on the card among provider matches; default: position in the array. */
    priority: z.number().int().optional(),
    cacheTtlSeconds: z.number().min(0).max(86_400).default(60),
    /** How long past the TTL a cached answer may still be shown while it is refreshed. */
    staleSeconds: z.number().min(0).max(604_800).default(600),
  })
  .strict();

export interface TicketMapping {
  readonly from: Path;
  readonly id: Path;
  readonly title: Path;
  readonly status?: Path;
  readonly url?: Path;
}

export interface ProviderConfig {
  readonly name: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly fields: {
    readonly name: Path;
    readonly company?: Path;
    readonly email?: Path;
    readonly tier?: Path;
    readonly tags?: Path;
    readonly recordUrl?: Path;
    readonly externalId?: Path;
    readonly tickets?: TicketMapping;
    readonly appointments?: { readonly from: Path; readonly at: Path; readonly title: Path };
  };
  readonly timeoutMs: number;
  readonly priority: number;
  readonly cacheTtlMs: number;
  readonly staleMs: number;
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces ${VAR} with the environment's value; records a problem per unset variable. */
function expandEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  where: string,
  problems: string[],
): string {
  return text.replace(ENV_REF, (_, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') {
      problems.push(`${where}: environment variable ${name} is not set`);
      return '';
    }
    return value;
  });
}

function checkUrlTemplate(template: string, where: string, problems: string[]): void {
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)]
    .map((m) => m[1] ?? '')
    .filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    problems.push(
      `${where}.url: unknown placeholder {${unknown.join('}, {')}}; use ${PLACEHOLDERS.join(', ')}`,
    );
  }
  const sample = template.replace(/\{[^}]*\}/g, '0');
  if (!URL.canParse(sample) || !/^https?:$/.test(new URL(sample).protocol)) {
    problems.push(`${where}.url: must be an http(s) URL template`);
  }
}

export class LookupConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid lookup configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Lists every problem of the providers JSON (empty when it is valid). */
export function providerProblems(json: string, env: Readonly<Record<string, string | undefined>>): string[] {
  try {
    parseProviders(json, env);
    return [];
  } catch (error) {
    return error instanceof LookupConfigError ? [...error.problems] : [String(error)];
  }
}

/** Parses SCREENPOP_LOOKUP_PROVIDERS; throws LookupConfigError naming each bad entry and field. */
export function parseProviders(
  json: string,
  env: Readonly<Record<string, string | undefined>>,
): ProviderConfig[] {
  const variable = 'SCREENPOP_LOOKUP_PROVIDERS';
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new LookupConfigError([`${variable}: not valid JSON`]);
  }
  if (!Array.isArray(raw)) {
    throw new LookupConfigError([`${variable}: must be a JSON array`]);
  }
  const problems: string[] = [];
  const providers: ProviderConfig[] = [];
  raw.forEach((entry: unknown, index) => {
    const label =
      entry !== null && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string'
        ? ` ("${(entry as { name: string }).name}")`
        : '';
    const where = `${variable}[${index}]${label}`;
    const parsed = providerSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`${where}${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
      }
      return;
    }
    const p = parsed.data;
    checkUrlTemplate(p.url.replace(ENV_REF, 'env'), where, problems);
    const headers = Object.fromEntries(
      Object.entries(p.headers).map(([k, v]) => [k, expandEnv(v, env, `${where}.headers.${k}`, problems)]),
    );
    providers.push({
      name: p.name,
      url: expandEnv(p.url, env, `${where}.url`, problems),
      headers,
      fields: p.fields,
      timeoutMs: p.timeoutMs,
      priority: p.priority ?? index,
      cacheTtlMs: p.cacheTtlSeconds * 1000,
      staleMs: p.staleSeconds * 1000,
    });
  });
  const names = providers.map((p) => p.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    problems.push(`${variable}: provider name "${dup}" is used more than once`);
  }
  if (problems.length > 0) {
    throw new LookupConfigError(problems);
  }
  return providers;
}
