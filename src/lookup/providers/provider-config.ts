// SCREENPOP_LOOKUP_PROVIDERS: a JSON array of lookup providers, each parsed by its kind, validated entry by entry.
import type { EntryContext } from './provider-entry.ts';
import { DEFAULT_PROVIDER_TYPE, PROVIDER_TYPES, isProviderType, parseEntryOfKind } from './provider-kinds.ts';
import type { ProviderConfig } from './provider-kinds.ts';

export type { ProviderConfig, ProviderType } from './provider-kinds.ts';

type Env = Readonly<Record<string, string | undefined>>;

const VARIABLE = 'SCREENPOP_LOOKUP_PROVIDERS';

export class LookupConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid lookup configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Lists every problem of the providers JSON (empty when it is valid). */
export function providerProblems(json: string, env: Env): string[] {
  try {
    parseProviders(json, env);
    return [];
  } catch (error) {
    return error instanceof LookupConfigError ? [...error.problems] : [String(error)];
  }
}

function field(entry: unknown, key: string): unknown {
  return entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>)[key] : undefined;
}

/** One entry through the kind its "type" names (default http); null after pushing its problems. */
function parseEntry(entry: unknown, ctx: EntryContext): ProviderConfig | null {
  const type = field(entry, 'type') ?? DEFAULT_PROVIDER_TYPE;
  if (typeof type !== 'string' || !isProviderType(type)) {
    ctx.problems.push(
      `${ctx.where}.type: unknown provider type ${JSON.stringify(type)}; use ${PROVIDER_TYPES.join(', ')}`,
    );
    return null;
  }
  return parseEntryOfKind(type, entry, ctx);
}

/** Parses SCREENPOP_LOOKUP_PROVIDERS; throws LookupConfigError naming each bad entry and field. */
export function parseProviders(json: string, env: Env): ProviderConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new LookupConfigError([`${VARIABLE}: not valid JSON`]);
  }
  if (!Array.isArray(raw)) {
    throw new LookupConfigError([`${VARIABLE}: must be a JSON array`]);
  }
  const problems: string[] = [];
  const providers: ProviderConfig[] = [];
  raw.forEach((entry: unknown, index) => {
    const name = field(entry, 'name');
    const where = `${VARIABLE}[${index}]${typeof name === 'string' ? ` ("${name}")` : ''}`;
    const parsed = parseEntry(entry, { where, index, env, problems });
    if (parsed !== null) {
      providers.push(parsed);
    }
  });
  const names = providers.map((p) => p.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    problems.push(`${VARIABLE}: provider name "${dup}" is used more than once`);
  }
  if (problems.length > 0) {
    throw new LookupConfigError(problems);
  }
  return providers;
}
