// Case-insensitive "contains" for free-text filters, without LIKE (so % and _ in user text need no escaping).
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { Dialect } from './database.ts';

/** True when `column` contains `needle` ignoring case; `needle` must already be lower-case. */
export function containsText(dialect: Dialect, column: string, needle: string): RawBuilder<boolean> {
  const haystack = sql`lower(coalesce(${sql.ref(column)}, ''))`;
  return dialect === 'postgres'
    ? sql<boolean>`strpos(${haystack}, ${needle}) > 0`
    : sql<boolean>`instr(${haystack}, ${needle}) > 0`;
}

/** True when `column` contains `needle` exactly (case-sensitive). */
export function containsExact(dialect: Dialect, column: string, needle: string): RawBuilder<boolean> {
  return dialect === 'postgres'
    ? sql<boolean>`strpos(${sql.ref(column)}, ${needle}) > 0`
    : sql<boolean>`instr(${sql.ref(column)}, ${needle}) > 0`;
}
