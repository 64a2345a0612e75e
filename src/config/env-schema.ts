// Every environment variable screenpop reads, with its schema and default: the README's config table mirrors it.
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
);
const url = z.url();

/** Every variable screenpop reads. Keep the README's config table in step with this object. */
export const envSchema = z.object({
  /** HTTP port of the screenpop server. */
  SCREENPOP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address the server binds to. */
  SCREENPOP_HOST: z.string().default('127.0.0.1'),
  /** Public base URL of screenpop (used for the OAuth redirect URI and origin checks). Default: http://HOST:PORT. */
  SCREENPOP_PUBLIC_URL: url.optional(),
  /** Folder for the SQLite file and the generated secret key. */
  SCREENPOP_DATA_DIR: z.string().default('./data'),
  /** Database: a SQLite file path (default DATA_DIR/screenpop.db) or a postgres:// URL. */
  DATABASE_URL: z.string().optional(),
  /**
   * SQLite: MiB of the database file read through a memory map (0: off). Faster lookups on a large contacts file
   * (1M contacts: ~4.4 against ~5.4 µs of CPU each); the pages read count toward the process's RSS (reclaimable).
   */
  SCREENPOP_SQLITE_MMAP_MB: z.coerce.number().int().min(0).max(1_048_576).default(1024),
  /** Base64 of 32 bytes: the AES-256-GCM key for tokens at rest. Default: a key file generated in DATA_DIR. */
  SCREENPOP_SECRET_KEY: z.string().optional(),
  /** Region for numbers written without a country code (ISO 3166 alpha-2). */
  SCREENPOP_DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('US'),
  /** How many trailing digits make a "last digits" match. */
  SCREENPOP_MATCH_SUFFIX_DIGITS: z.coerce.number().int().min(4).max(12).default(7),
  /** Time budget of one caller lookup, in ms; slower sources update the card later. */
  SCREENPOP_LOOKUP_BUDGET_MS: z.coerce.number().int().min(10).max(10000).default(300),
  /** JSON array of lookup providers, each with a "type" (default "http"; see README "CRM lookups"). */
  SCREENPOP_LOOKUP_PROVIDERS: z.string().default('[]'),
  /** JSON array of card buttons: [{"label":"Open in CRM","url":"https://crm.example/search?q={e164}"}]. */
  SCREENPOP_LINK_TEMPLATES: z.string().default('[]'),
  /** JSON array of urgency rules (repeat-calls, callback-after-missed, tier, tag); empty: the built-in defaults. */
  SCREENPOP_URGENCY_RULES: z.string().default(''),
  /** JSON array of signed outbound webhooks: [{"url","events","secret":"${VAR}"}] (see README "Webhooks"). */
  SCREENPOP_WEBHOOKS: z.string().default('[]'),
  /** Comma-separated GoTo principals (emails) who see every call. */
  SCREENPOP_SUPERVISORS: list.default([]),
  /** Requests per minute one client address may make to /auth/* (sign-in) before getting 429. */
  SCREENPOP_RATE_LIMIT_AUTH: z.coerce.number().int().min(1).default(300),
  /** Requests per minute one session (or address, without one) may make to /api/* before getting 429. */
  SCREENPOP_RATE_LIMIT_API: z.coerce.number().int().min(1).default(1200),
  /** Bearer token /metrics requires (Authorization: Bearer …); unset: /metrics is open. */
  SCREENPOP_METRICS_TOKEN: z.string().min(16).optional(),
  /** Demo mode: built-in simulator, generated contacts and calls. Default: on when GOTO_CLIENT_ID is unset. */
  SCREENPOP_DEMO: bool.optional(),
  /** Port of the built-in simulator in demo mode (0 = any free port). */
  SCREENPOP_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(7070),
  /** Seconds between generated demo calls (0 = no traffic). */
  SCREENPOP_DEMO_CALL_INTERVAL: z.coerce.number().min(0).default(8),
  /** GoTo OAuth client id. */
  GOTO_CLIENT_ID: z.string().optional(),
  /** GoTo OAuth client secret. */
  GOTO_CLIENT_SECRET: z.string().optional(),
  /**
   * A GoTo personal access token of an account admin: screenpop exchanges it (PAT grant) for the account-wide
   * Call Events connection. Without it, the first admin who signs in connects the account.
   */
  GOTO_PERSONAL_ACCESS_TOKEN: z.string().optional(),
  /** GoTo account key to subscribe to; default: found through the lines / admin APIs. */
  GOTO_ACCOUNT_KEY: z.string().regex(/^\d+$/).optional(),
  /** Which GoTo API drives pops: the current Call Events API, or the legacy Realtime v2 API. */
  GOTO_EVENT_SOURCE: z.enum(['call-events', 'realtime']).default('call-events'),
  /**
   * Seconds after a call ends until GoTo's Call Events Report is ready ("a few minutes"): after an outage, and at
   * start-up for calls that happened while screenpop was down, the calls are listed from the reports this late.
   */
  GOTO_REPORT_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(180),
  /** GoTo OAuth base URL. */
  GOTO_AUTH_URL: url.default('https://authentication.logmeininc.com'),
  /** GoTo Connect API base URL (users, notification channels, call events). */
  GOTO_API_URL: url.default('https://api.goto.com'),
  /** GoTo admin / identity API base URL. */
  GOTO_ADMIN_URL: url.default('https://api.getgo.com'),
  /** GoTo legacy Realtime API base URL. */
  GOTO_REALTIME_URL: url.default('https://realtime.jive.com'),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Log lines as JSON or human-readable (pino-pretty); default: pretty at a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});

export type Env = z.infer<typeof envSchema>;
