// One CSV record (already split into cells) → a ContactInput, or the reason it is rejected.
import { z } from 'zod';
import type { ContactInput } from '../../lookup/types.ts';
import type { Column } from './column-map.ts';
import { MAX_RECORD_BYTES, wasCut } from './record-guard.ts';

export type RowResult =
  | { readonly ok: true; readonly contact: ContactInput }
  | { readonly ok: false; readonly reason: string }
  | { readonly ok: false; readonly reason: null }; // a blank row: skipped, not reported

const rowSchema = z.object({
  name: z.string().min(1, 'no name'),
  email: z.email('bad email').nullable(),
  recordUrl: z.url({ protocol: /^https?$/, error: 'bad url' }).nullable(),
  phones: z.array(
    z.object({
      raw: z.string().regex(/\d.*\d.*\d/, 'bad phone number'),
      label: z.string().nullable(),
    }),
  ),
});

/** Longer than any real name, address or note; a cell past it is a broken export or an attack, not a contact. */
export const MAX_CELL_CHARS = 65_536;
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const SUSPECT = /[\u0000\ufffd]/;

/**
 * Why a record cannot be a contact whatever its columns say: cut for its size, or text that did not decode.
 * csv-parse decodes UTF-8: bytes that are not UTF-8 (a Latin-1 or Windows-1252 export) become U+FFFD, and a
 * UTF-16 file without a byte-order mark leaves a NUL beside every character.
 */
function unreadable(cells: readonly string[]): string | null {
  // This runs on every row of a million-row import: lengths first, then one regex over the joined row.
  let long = false;
  for (const cell of cells) {
    long ||= cell.length > MAX_CELL_CHARS;
  }
  const text = cells.join('');
  if (!long && !SUSPECT.test(text)) {
    return null;
  }
  if (wasCut(cells)) {
    return `row over ${MAX_RECORD_BYTES / 1024 / 1024} MiB: skipped`;
  }
  if (text.includes('\u0000')) {
    return 'NUL characters: is the file UTF-16? save it as UTF-8';
  }
  if (text.includes('\ufffd')) {
    return 'not valid UTF-8: save the file as UTF-8';
  }
  return `a cell over ${MAX_CELL_CHARS.toLocaleString('en-US')} characters`;
}

function blank(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

export function recordToContact(cells: readonly string[], columns: readonly Column[]): RowResult {
  const broken = unreadable(cells);
  if (broken !== null) {
    return { ok: false, reason: broken };
  }
  let name: string | null = null;
  let first: string | null = null;
  let last: string | null = null;
  const scalar: Record<'company' | 'email' | 'tier' | 'notes' | 'externalId' | 'recordUrl', string | null> = {
    company: null,
    email: null,
    tier: null,
    notes: null,
    externalId: null,
    recordUrl: null,
  };
  const phones: { raw: string; label: string | null }[] = [];
  const tags: string[] = [];
  const custom: Record<string, string> = {};
  let any = false;
  for (const column of columns) {
    const value = blank(cells[column.index]);
    if (value === null) {
      continue;
    }
    any = true;
    switch (column.field) {
      case 'name':
        name = value;
        break;
      case 'firstName':
        first = value;
        break;
      case 'lastName':
        last = value;
        break;
      case 'phone':
        // One cell may hold several numbers: "312 555 0140; 312 555 0141".
        for (const raw of value.split(/[;\n]/)) {
          if (raw.trim() !== '') {
            phones.push({ raw: raw.trim(), label: column.label });
          }
        }
        break;
      case 'tags':
        tags.push(...value.split(/[;,|]/).flatMap((t) => (t.trim() === '' ? [] : [t.trim()])));
        break;
      case 'custom':
        custom[column.header] = value;
        break;
      case 'ignore':
        break;
      default:
        scalar[column.field] = value;
    }
  }
  if (!any) {
    return { ok: false, reason: null };
  }
  const fullName = name ?? ([first, last].filter((p) => p !== null).join(' ') || '');
  const parsed = rowSchema.safeParse({
    name: fullName,
    email: scalar.email,
    recordUrl: scalar.recordUrl,
    phones,
  });
  if (!parsed.success) {
    return { ok: false, reason: [...new Set(parsed.error.issues.map((i) => i.message))].join(', ') };
  }
  return {
    ok: true,
    contact: {
      name: fullName,
      company: scalar.company,
      email: scalar.email,
      tier: scalar.tier,
      tags,
      notes: scalar.notes,
      custom,
      phones,
      externalId: scalar.externalId,
      recordUrl: scalar.recordUrl,
    },
  };
}
