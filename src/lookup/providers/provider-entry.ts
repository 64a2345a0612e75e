// What every entry of SCREENPOP_LOOKUP_PROVIDERS has, whatever its type, and the helpers each kind parses with.
import { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

/** The fields every kind shares; a kind's schema adds its own (see entrySchema). */
const commonFields = {
  /** The provider kind (see provider-kinds.ts); already chosen when a kind's schema runs. */
  type: z.string().optional(),
  /** Shown on the card ("from CRM (hubspot)") and used in contact ids. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, - and _ (max 40)'),
  /** Lower answers first on the card among provider matches; default: position in the array. */
  priority: z.number().int().optional(),
  cacheTtlSeconds: z.number().min(0).max(86_400).default(60),
  /** How long past the TTL a cached answer may still be shown while it is refreshed. */
  staleSeconds: z.number().min(0).max(604_800).default(600),
};

type CommonEntry = z.infer<z.ZodObject<typeof commonFields>>;

/** The parsed fields every provider config has; `type` names its kind. */
export interface ProviderBase<T extends string = string> {
  readonly type: T;
  readonly name: string;
  readonly priority: number;
  readonly cacheTtlMs: number;
  readonly staleMs: number;
}

/** Where one entry sits, for its problems ("SCREENPOP_LOOKUP_PROVIDERS[2] ("crm")"), and the env it may reference. */
export interface EntryContext {
  readonly where: string;
  readonly index: number;
  readonly env: Env;
  /** Every problem found is pushed here, so all entries' problems are listed together. */
  readonly problems: string[];
}

/** A kind's strict entry schema: the common fields plus its own. */
export function entrySchema<S extends z.ZodRawShape>(own: S) {
  return z.object({ ...commonFields, ...own }).strict();
}

/** Runs an entry through a kind's schema; null after pushing one problem per issue, named by field. */
export function parseEntry<T>(schema: z.ZodType<T>, entry: unknown, ctx: EntryContext): T | null {
  const parsed = schema.safeParse(entry);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.problems.push(`${ctx.where}${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
    }
    return null;
  }
  return parsed.data;
}

/** The common part of a config, from a parsed entry. */
export function baseConfig<T extends string>(
  type: T,
  entry: CommonEntry,
  ctx: EntryContext,
): ProviderBase<T> {
  return {
    type,
    name: entry.name,
    priority: entry.priority ?? ctx.index,
    cacheTtlMs: entry.cacheTtlSeconds * 1000,
    staleMs: entry.staleSeconds * 1000,
  };
}

export const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces ${VAR} with the environment's value (so secrets stay out of the JSON); a problem per unset variable. */
export function expandEnv(text: string, field: string, ctx: EntryContext): string {
  return text.replace(ENV_REF, (_, name: string) => {
    const value = ctx.env[name];
    if (value === undefined || value === '') {
      ctx.problems.push(`${ctx.where}.${field}: environment variable ${name} is not set`);
      return '';
    }
    return value;
  });
}
