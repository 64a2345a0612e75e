// Reads the environment once into a frozen, typed config; lists every bad variable at once.
import type { PhoneOptions } from '../phone/phone.ts';
import { supportedRegion } from '../phone/phone.ts';
import { LookupConfigError, parseLookupSettings } from '../lookup/settings.ts';
import type { LookupConfig, LookupSettings } from '../lookup/settings.ts';
import { deepFreeze } from './deep-freeze.ts';
import { envSchema } from './env-schema.ts';
import { WebhookConfigError, parseWebhooks } from '../webhooks/webhook-config.ts';
import type { WebhookEndpoint } from '../webhooks/webhook-config.ts';
import type { Env } from './env-schema.ts';

export type { Env } from './env-schema.ts';

/** The parsed config: each part receives its own piece, already checked (phone options, lookup settings). */
export interface Config {
  readonly server: { readonly port: number; readonly host: string; readonly publicUrl: string | null };
  /** Abuse limits and the /metrics token of the HTTP edge. */
  readonly edge: {
    readonly authRequestsPerMinute: number;
    readonly apiRequestsPerMinute: number;
    readonly metricsToken: string | null;
  };
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  /** SQLite: bytes of the file read through a memory map (SCREENPOP_SQLITE_MMAP_MB). */
  readonly sqliteMmapBytes: number;
  readonly secretKey: string | null;
  /** Built once here; the store, the GoTo client, the lookup and the REST API all normalize with it. */
  readonly phone: PhoneOptions;
  /** Providers, link templates and urgency rules parsed (env references resolved) with the time budget. */
  readonly lookup: LookupConfig;
  /** SCREENPOP_WEBHOOKS parsed, secrets resolved from the environment. */
  readonly webhooks: readonly WebhookEndpoint[];
  readonly supervisors: readonly string[];
  readonly demo: {
    readonly enabled: boolean;
    readonly simulatorPort: number;
    readonly callIntervalSeconds: number;
  };
  readonly goto: {
    readonly clientId: string | null;
    readonly clientSecret: string | null;
    readonly personalAccessToken: string | null;
    readonly accountKey: string | null;
    readonly eventSource: 'call-events' | 'realtime';
    /** How long after a call ends its Call Events Report is ready. */
    readonly reportDelaySeconds: number;
    readonly authUrl: string;
    readonly apiUrl: string;
    readonly adminUrl: string;
    readonly realtimeUrl: string;
  };
  readonly logLevel: Env['LOG_LEVEL'];
  /** null: pretty when stdout is a terminal, JSON otherwise. */
  readonly logFormat: 'json' | 'pretty' | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type RawEnv = Readonly<Record<string, string | undefined>>;

/** The variables' values with '' read as unset, so an empty VAR= falls back to its default. */
function relevant(env: RawEnv): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
}

/** One variable through its own schema (its default filled in); null when the schema refuses it. */
function variable<K extends keyof Env>(raw: RawEnv, key: K): Env[K] | null {
  const result = envSchema.shape[key].safeParse(raw[key]);
  return result.success ? (result.data as Env[K]) : null;
}

/** The region as libphonenumber's type; a problem when it knows no such region (the schema checks the form). */
function defaultRegion(raw: RawEnv, problems: string[]): PhoneOptions['defaultRegion'] | null {
  const code = variable(raw, 'SCREENPOP_DEFAULT_REGION');
  if (code === null) {
    return null;
  }
  const supported = supportedRegion(code);
  if (supported === null) {
    problems.push(`SCREENPOP_DEFAULT_REGION: unsupported default region ${code}`);
  }
  return supported;
}

/**
 * Providers, link templates and urgency rules: every bad entry and field, env references resolved. Read on their
 * own, so their problems are listed with the schema's even when another variable is bad.
 */
function lookupSettings(raw: RawEnv, env: RawEnv, problems: string[]): LookupSettings | null {
  try {
    return parseLookupSettings(
      {
        providersJson: variable(raw, 'SCREENPOP_LOOKUP_PROVIDERS') ?? '[]',
        linkTemplatesJson: variable(raw, 'SCREENPOP_LINK_TEMPLATES') ?? '[]',
        urgencyRulesJson: variable(raw, 'SCREENPOP_URGENCY_RULES') ?? '',
      },
      env,
    );
  } catch (error) {
    problems.push(...(error instanceof LookupConfigError ? error.problems : [String(error)]));
    return null;
  }
}

/** SCREENPOP_WEBHOOKS: every bad entry and field, secrets resolved from the environment. */
function webhookEndpoints(raw: RawEnv, env: RawEnv, problems: string[]): WebhookEndpoint[] | null {
  try {
    return parseWebhooks(variable(raw, 'SCREENPOP_WEBHOOKS') ?? '[]', env);
  } catch (error) {
    problems.push(...(error instanceof WebhookConfigError ? error.problems : [String(error)]));
    return null;
  }
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: RawEnv = process.env): Config {
  const raw = relevant(env);
  const parsed = envSchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if ((raw.GOTO_CLIENT_ID === undefined) !== (raw.GOTO_CLIENT_SECRET === undefined)) {
    problems.push('GOTO_CLIENT_ID and GOTO_CLIENT_SECRET: set both or neither');
  }
  const region = defaultRegion(raw, problems);
  const lookup = lookupSettings(raw, env, problems);
  const webhooks = webhookEndpoints(raw, env, problems);
  if (!parsed.success || region === null || lookup === null || webhooks === null || problems.length > 0) {
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  return deepFreeze({
    server: { port: e.SCREENPOP_PORT, host: e.SCREENPOP_HOST, publicUrl: e.SCREENPOP_PUBLIC_URL ?? null },
    edge: {
      authRequestsPerMinute: e.SCREENPOP_RATE_LIMIT_AUTH,
      apiRequestsPerMinute: e.SCREENPOP_RATE_LIMIT_API,
      metricsToken: e.SCREENPOP_METRICS_TOKEN ?? null,
    },
    dataDir: e.SCREENPOP_DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? null,
    sqliteMmapBytes: e.SCREENPOP_SQLITE_MMAP_MB * 1024 * 1024,
    secretKey: e.SCREENPOP_SECRET_KEY ?? null,
    phone: { defaultRegion: region, suffixDigits: e.SCREENPOP_MATCH_SUFFIX_DIGITS },
    lookup: { budgetMs: e.SCREENPOP_LOOKUP_BUDGET_MS, ...lookup },
    webhooks,
    supervisors: e.SCREENPOP_SUPERVISORS,
    demo: {
      enabled: e.SCREENPOP_DEMO ?? e.GOTO_CLIENT_ID === undefined,
      simulatorPort: e.SCREENPOP_SIMULATOR_PORT,
      callIntervalSeconds: e.SCREENPOP_DEMO_CALL_INTERVAL,
    },
    goto: {
      clientId: e.GOTO_CLIENT_ID ?? null,
      clientSecret: e.GOTO_CLIENT_SECRET ?? null,
      personalAccessToken: e.GOTO_PERSONAL_ACCESS_TOKEN ?? null,
      accountKey: e.GOTO_ACCOUNT_KEY ?? null,
      eventSource: e.GOTO_EVENT_SOURCE,
      reportDelaySeconds: e.GOTO_REPORT_DELAY_SECONDS,
      authUrl: e.GOTO_AUTH_URL,
      apiUrl: e.GOTO_API_URL,
      adminUrl: e.GOTO_ADMIN_URL,
      realtimeUrl: e.GOTO_REALTIME_URL,
    },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? null,
  });
}
