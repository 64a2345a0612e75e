// zod's safeParse without the copy for a value that already has the schema's shape: checked in place, the same rules.
//
// Why: zod builds a new object for every object it validates (unknown keys stripped), so a Call Events frame cost
// its whole tree twice, about 20 KB per call at 200 calls/s, and the young-generation collections this garbage
// brings are the pop path's latency spikes (issue 12). Every frame GoTo sends well-formed needs no copy: its
// members are already the values zod would hand back, and screenpop reads only the members the schema names.
// Anything the check does not pass, or a schema using a kind it does not know, goes to zod itself, so an error is
// zod's own message and zod stays the one statement of what is accepted.
import type { z } from 'zod';

type Check = (value: unknown) => boolean;

const compiled = new WeakMap<z.core.$ZodType, Check | null>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The kinds screenpop's GoTo schemas use; null for any other kind or any refinement (zod decides those). */
function compile(schema: z.core.$ZodType): Check | null {
  // $ZodTypes: the union of zod's own schema types, whose defs `type` tells apart.
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case 'unknown':
      return () => true;
    case 'string':
      return def.checks === undefined || def.checks.length === 0
        ? (value) => typeof value === 'string'
        : null;
    case 'number':
      return numberCheck(def.checks ?? []);
    case 'optional': {
      const inner = compileCached(def.innerType);
      return inner === null ? null : (value) => value === undefined || inner(value);
    }
    case 'nullable': {
      const inner = compileCached(def.innerType);
      return inner === null ? null : (value) => value === null || inner(value);
    }
    case 'array': {
      const element = compileCached(def.element);
      return element === null || (def.checks?.length ?? 0) > 0 ? null : arrayCheck(element);
    }
    case 'object':
      return def.catchall === undefined ? objectCheck(def.shape) : null;
    default:
      return null;
  }
}

/** z.number() takes finite numbers; .int() makes it a safe integer. */
function numberCheck(checks: readonly z.core.$ZodCheck<never>[]): Check | null {
  if (checks.length === 0) {
    return (value) => typeof value === 'number' && Number.isFinite(value);
  }
  const only = checks.length === 1 ? checks[0]!._zod.def : undefined;
  if (only?.check === 'number_format' && (only as { format?: string }).format === 'safeint') {
    return (value) => Number.isSafeInteger(value);
  }
  return null;
}

function arrayCheck(element: Check): Check {
  return (value) => {
    if (!Array.isArray(value)) {
      return false;
    }
    for (let i = 0; i < value.length; i++) {
      if (!element(value[i])) {
        return false;
      }
    }
    return true;
  };
}

/** zod's rules for members: a member whose schema is not optional must be present (`in`), even to be undefined. */
function objectCheck(shape: Readonly<Record<string, z.core.$ZodType>>): Check | null {
  const keys = Object.keys(shape);
  const checks: Check[] = [];
  const required: boolean[] = [];
  for (const key of keys) {
    const check = compileCached(shape[key]!);
    if (check === null) {
      return null;
    }
    checks.push(check);
    required.push(shape[key]!._zod.optin === undefined);
  }
  return (value) => {
    if (!isRecord(value)) {
      return false;
    }
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if ((required[i]! && !(key in value)) || !checks[i]!(value[key])) {
        return false;
      }
    }
    return true;
  };
}

function compileCached(schema: z.core.$ZodType): Check | null {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

/**
 * `schema.safeParse`, except that a value already of the schema's shape comes back as it is: the same object, its
 * unknown members kept (nothing reads them). Callers must treat the data as read-only, as they would zod's copy.
 */
export function inPlaceParser<S extends z.ZodType>(
  schema: S,
): (value: unknown) => z.ZodSafeParseResult<z.output<S>> {
  const check = compileCached(schema);
  return (value) =>
    check !== null && check(value) ? { success: true, data: value as z.output<S> } : schema.safeParse(value);
}

/** Whether `schema` is checked in place (false: every value goes through zod's copying parse). */
export function checksInPlace(schema: z.core.$ZodType): boolean {
  return compileCached(schema) !== null;
}
