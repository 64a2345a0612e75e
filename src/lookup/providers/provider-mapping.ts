// Provider response (untrusted JSON) → Contact records, through the configured field paths.
import { listIndex, readPath } from './json-path.ts';
import type { Path } from './json-path.ts';
import type { FieldMapping } from './http-config.ts';
import type { Appointment, Contact, Ticket } from '../types.ts';

const MAX_TEXT = 500;
const MAX_ITEMS = 50;
const MAX_RECORDS = 25;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this strips
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * Untrusted text: kept as plain text (the browser renders it as text, so "<b>" stays "<b>"), but trimmed,
 * stripped of control characters and capped so a hostile CRM cannot flood the card.
 */
export function cleanText(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return null;
  }
  const text = String(value).replace(CONTROL, ' ').trim();
  return text === '' ? null : text.slice(0, MAX_TEXT);
}

/** Only http(s) links survive: a "javascript:" record URL from a CRM must never become a button. */
export function cleanUrl(value: unknown): string | null {
  const text = cleanText(value);
  if (text === null || !URL.canParse(text)) {
    return null;
  }
  const url = new URL(text);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

function first(root: unknown, path: Path | undefined): unknown {
  return path === undefined ? undefined : readPath(root, path)[0];
}

function texts(root: unknown, path: Path | undefined): string[] {
  if (path === undefined) {
    return [];
  }
  const values = readPath(root, path).flatMap((v) => (Array.isArray(v) ? v : [v]));
  const out = values.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])).map(cleanText);
  return [...new Set(out.filter((t): t is string => t !== null))].slice(0, MAX_ITEMS);
}

function items(root: unknown, path: Path): unknown[] {
  return readPath(root, path)
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .slice(0, MAX_ITEMS);
}

function tickets(root: unknown, map: FieldMapping['tickets']): Ticket[] {
  if (map === undefined) {
    return [];
  }
  return items(root, map.from).flatMap((item) => {
    const id = cleanText(first(item, map.id));
    const title = cleanText(first(item, map.title));
    if (id === null || title === null) {
      return [];
    }
    const status = cleanText(first(item, map.status)) ?? 'open';
    return [{ id, title, status, url: cleanUrl(first(item, map.url)) }];
  });
}

function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value < 1e11 ? value * 1000 : value; // seconds or milliseconds
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function appointments(root: unknown, map: FieldMapping['appointments']): Appointment[] {
  if (map === undefined) {
    return [];
  }
  return items(root, map.from).flatMap((item) => {
    const at = toEpochMs(first(item, map.at));
    const title = cleanText(first(item, map.title));
    return at === null || title === null ? [] : [{ at, title }];
  });
}

/** A field path relative to one record when it shares the record list's prefix, else the absolute path. */
function relative(path: Path | undefined, prefix: Path): { path: Path | undefined; perRecord: boolean } {
  if (path === undefined || prefix.length === 0 || path.length < prefix.length) {
    return { path, perRecord: false };
  }
  const shares = prefix.every((s, i) => path[i]?.key === s.key && path[i]?.each === s.each);
  return shares ? { path: path.slice(prefix.length), perRecord: true } : { path, perRecord: false };
}

export interface MappingContext {
  readonly provider: string;
  readonly e164: string;
  readonly raw: string;
  readonly now: number;
}

/**
 * Maps a response to contacts. When the name path crosses a list ("results[].name"), each element of that
 * list is a record and the other paths under the same list are read per record; otherwise the whole body is
 * one record. Records without a name are dropped.
 */
export function mapResponse(
  body: unknown,
  config: { readonly fields: FieldMapping },
  ctx: MappingContext,
): Contact[] {
  const f = config.fields;
  const at = listIndex(f.name);
  const prefix = at === -1 ? [] : f.name.slice(0, at + 1);
  const records = prefix.length === 0 ? [body] : readPath(body, prefix).slice(0, MAX_RECORDS);
  const read = <T>(
    record: unknown,
    p: Path | undefined,
    fn: (root: unknown, p: Path | undefined) => T,
  ): T => {
    const r = relative(p, prefix);
    return fn(r.perRecord ? record : body, r.path);
  };
  const withFrom = <M extends { from: Path }>(
    record: unknown,
    map: M | undefined,
  ): [unknown, M | undefined] => {
    if (map === undefined) {
      return [body, undefined];
    }
    const r = relative(map.from, prefix);
    return [r.perRecord ? record : body, { ...map, from: r.path ?? [] }];
  };
  return records.flatMap((record, index) => {
    const name = read(record, f.name, (r, p) => cleanText(first(r, p)));
    if (name === null) {
      return [];
    }
    const externalId = read(record, f.externalId, (r, p) => cleanText(first(r, p)));
    const [tr, tm] = withFrom(record, f.tickets);
    const [ar, am] = withFrom(record, f.appointments);
    const contact: Contact = {
      id: `provider:${ctx.provider}:${externalId ?? `${ctx.e164}#${index}`}`,
      name,
      company: read(record, f.company, (r, p) => cleanText(first(r, p))),
      email: read(record, f.email, (r, p) => cleanText(first(r, p))),
      tier: read(record, f.tier, (r, p) => cleanText(first(r, p))),
      tags: read(record, f.tags, texts),
      notes: null,
      custom: {},
      phones: [{ raw: ctx.raw, e164: ctx.e164, label: null }],
      tickets: tickets(tr, tm),
      appointments: appointments(ar, am),
      externalId,
      recordUrl: read(record, f.recordUrl, (r, p) => cleanUrl(first(r, p))),
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    return [contact];
  });
}
