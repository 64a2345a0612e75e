// SCREENPOP_WEBHOOKS: a JSON array of endpoints (url, events, secret as an env reference), validated entry by entry.
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from './ports.ts';
import type { WebhookEventType } from './ports.ts';

const VARIABLE = 'SCREENPOP_WEBHOOKS';
const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
// More would be a fan-out service of its own; every endpoint runs its own delivery loop.
const MAX_ENDPOINTS = 20;

const endpointSchema = z
  .object({
    /** Names the endpoint in the outbox, the delivery log and /api/webhooks; default: the URL. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'letters, digits, ., - and _ (max 40)')
      .optional(),
    url: z.string().max(2000),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES as [WebhookEventType, ...WebhookEventType[]]))
      .min(1)
      .default([...WEBHOOK_EVENT_TYPES]),
    /** "${VAR}": the Standard Webhooks secret ("whsec_" + base64 of 24 to 64 bytes) stays out of the JSON. */
    secret: z.string().regex(ENV_REF, 'must be an environment reference like "${WEBHOOK_SECRET}"'),
    timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
  })
  .strict();

export interface WebhookEndpoint {
  readonly name: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly secret: string;
  readonly timeoutMs: number;
}

export class WebhookConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid webhook configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function checkUrl(url: string, where: string, problems: string[]): void {
  if (!URL.canParse(url)) {
    problems.push(`${where}.url: not a URL`);
    return;
  }
  const parsed = new URL(url);
  if (!/^https?:$/.test(parsed.protocol)) {
    problems.push(`${where}.url: must be an http(s) URL`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    problems.push(`${where}.url: must not carry credentials; receivers verify the signature instead`);
  }
}

function checkSecret(reference: string, env: Env, where: string, problems: string[]): string {
  const name = ENV_REF.exec(reference)?.[1] ?? '';
  const value = env[name];
  if (value === undefined || value === '') {
    problems.push(`${where}.secret: environment variable ${name} is not set`);
    return '';
  }
  const bytes = Buffer.from(value.replace(/^whsec_/, ''), 'base64');
  try {
    new Webhook(value);
  } catch {
    problems.push(`${where}.secret: ${name} must be "whsec_" + base64 (Standard Webhooks secret)`);
    return '';
  }
  if (bytes.length < 24 || bytes.length > 64) {
    problems.push(`${where}.secret: ${name} must hold 24 to 64 random bytes (it holds ${bytes.length})`);
  }
  return value;
}

/** Parses SCREENPOP_WEBHOOKS with secrets resolved from `env`; throws WebhookConfigError naming every problem. */
export function parseWebhooks(json: string, env: Env): WebhookEndpoint[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new WebhookConfigError([`${VARIABLE}: not valid JSON`]);
  }
  if (!Array.isArray(raw)) {
    throw new WebhookConfigError([`${VARIABLE}: must be a JSON array`]);
  }
  if (raw.length > MAX_ENDPOINTS) {
    throw new WebhookConfigError([`${VARIABLE}: at most ${MAX_ENDPOINTS} endpoints`]);
  }
  const problems: string[] = [];
  const endpoints: WebhookEndpoint[] = [];
  raw.forEach((entry: unknown, index) => {
    const where = `${VARIABLE}[${index}]`;
    const parsed = endpointSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`${where}${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
      }
      return;
    }
    const e = parsed.data;
    checkUrl(e.url, where, problems);
    endpoints.push({
      name: e.name ?? e.url,
      url: e.url,
      events: [...new Set(e.events)],
      secret: checkSecret(e.secret, env, where, problems),
      timeoutMs: e.timeoutMs,
    });
  });
  const names = endpoints.map((e) => e.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    problems.push(`${VARIABLE}: endpoint "${dup}" appears more than once; give each a distinct name`);
  }
  if (problems.length > 0) {
    throw new WebhookConfigError(problems);
  }
  return endpoints;
}

/** Every problem of SCREENPOP_WEBHOOKS (empty when it is valid); for the config loader's list. */
export function webhookConfigProblems(json: string, env: Env): string[] {
  try {
    parseWebhooks(json, env);
    return [];
  } catch (error) {
    return error instanceof WebhookConfigError ? [...error.problems] : [String(error)];
  }
}
