// ContactInput → table rows (phones normalized, JSON columns, upsert keys, content hash) and rows → Contact.
import * as crypto from 'node:crypto';
import { createBulkNormalizer } from '../phone/nanp-memo.ts';
import type { PhoneNormalizer } from '../phone/nanp-memo.ts';
import type { PhoneOptions } from '../phone/phone.ts';
import type { Contact, ContactInput, ContactPhone } from '../lookup/types.ts';
import type { PhoneHit, PhoneMatches } from '../lookup/ports.ts';

export interface PhoneRow {
  readonly position: number;
  readonly raw: string;
  readonly e164: string | null;
  readonly national: string | null;
  readonly suffix: string | null;
  readonly label: string | null;
}

/** The contacts columns an input decides (id and timestamps come from the store). */
export interface ContactFields {
  readonly name: string;
  readonly company: string | null;
  readonly email: string | null;
  readonly email_key: string | null;
  readonly tier: string | null;
  readonly tags: string;
  readonly notes: string | null;
  readonly custom: string;
  readonly phones: string;
  readonly tickets: string;
  readonly appointments: string;
  readonly external_id: string | null;
  readonly record_url: string | null;
  readonly dedupe_key: string | null;
  readonly content_hash: string;
}

export interface PreparedContact {
  readonly fields: ContactFields;
  readonly phones: readonly PhoneRow[];
}

/** The columns a Contact is read from (raw better-sqlite3 rows and Kysely rows alike). */
export type ContactRow = Omit<ContactFields, 'email_key' | 'dedupe_key' | 'content_hash'> & {
  readonly id: number;
  readonly created_at: number;
  readonly updated_at: number;
};

/** The columns an input decides, in the order the SQLite store binds them (see SqliteContactStore.insertSync). */
export const contactFieldColumns = [
  'name',
  'company',
  'email',
  'email_key',
  'tier',
  'tags',
  'notes',
  'custom',
  'phones',
  'tickets',
  'appointments',
  'external_id',
  'record_url',
  'dedupe_key',
  'content_hash',
] as const satisfies readonly (keyof ContactFields)[];

export const contactColumns = [
  'id',
  'name',
  'company',
  'email',
  'tier',
  'tags',
  'notes',
  'custom',
  'phones',
  'tickets',
  'appointments',
  'external_id',
  'record_url',
  'created_at',
  'updated_at',
] as const;

// Node ≥ 20.12 hashes a string in one call, without a Hash object per row (~1 µs less on an import row).
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64') => string }).hash;

function sha1Base64(text: string): string {
  return oneShot === undefined
    ? crypto.createHash('sha1').update(text).digest('base64')
    : oneShot('sha1', text, 'base64');
}

/** JSON.stringify, without the call for the empty lists most imported rows have. */
function listJson(list: readonly unknown[] | undefined): string {
  return list === undefined || list.length === 0 ? '[]' : JSON.stringify(list);
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** Normalizes and serializes one input; pure, so both dialects store byte-identical rows. */
/** A phone's match keys, as normalizePhone gives them. */
export type PhoneKeyTriple = readonly [e164: string | null, national: string | null, suffix: string | null];

// One memoizing normalizer per options object (the store's, or a parsing worker's), so an import's
// plain NANP numbers skip most of libphonenumber's ~9 µs (see nanp-memo.ts; same answers as normalizePhone).
const normalizers = new WeakMap<PhoneOptions, PhoneNormalizer>();

function normalizerFor(phone: PhoneOptions): PhoneNormalizer {
  let normalize = normalizers.get(phone);
  if (normalize === undefined) {
    normalize = createBulkNormalizer(phone);
    normalizers.set(phone, normalize);
  }
  return normalize;
}

/** Normalizes each phone of the input (the costly part of preparing a row). */
export function phoneKeysOf(input: ContactInput, phone: PhoneOptions): PhoneKeyTriple[] {
  const normalize = normalizerFor(phone);
  return (input.phones ?? []).map((p) => {
    const n = normalize(p.raw);
    return [n.e164, n.national, n.suffix];
  });
}

/**
 * Normalizes and serializes one input; pure, so both dialects store byte-identical rows. `keys` are the
 * phones' keys when a worker already normalized them (phoneKeysOf with the same options).
 */
export function prepareContact(
  input: ContactInput,
  phone: PhoneOptions,
  keys: readonly PhoneKeyTriple[] = phoneKeysOf(input, phone),
  hash = true,
): PreparedContact {
  // Plain loops and indexes, no destructuring or spreads: this runs once per imported row.
  const list = input.phones ?? [];
  const phones: PhoneRow[] = [];
  const stored: ContactPhone[] = [];
  for (let position = 0; position < list.length; position++) {
    const p = list[position]!;
    const k = keys[position];
    const e164 = k === undefined ? null : k[0];
    const label = p.label ?? null;
    phones.push({
      position,
      raw: p.raw,
      e164,
      national: k === undefined ? null : k[1],
      suffix: k === undefined ? null : k[2],
      label,
    });
    stored.push({ raw: p.raw, e164, label });
  }
  const email = blankToNull(input.email);
  const externalId = blankToNull(input.externalId);
  const name = input.name.trim();
  const content = {
    name,
    company: blankToNull(input.company),
    email,
    tier: blankToNull(input.tier),
    tags: listJson(input.tags),
    notes: input.notes ?? null,
    custom: JSON.stringify(input.custom ?? {}),
    phones: JSON.stringify(stored),
    tickets: listJson(input.tickets),
    appointments: listJson(input.appointments),
    external_id: externalId,
    record_url: blankToNull(input.recordUrl),
  };
  const dedupeKey =
    externalId === null && email === null
      ? `${name.toLowerCase()}|${phones
          .map((p) => p.e164 ?? p.raw)
          .sort()
          .join(',')}`
      : null;
  const c = content;
  // prettier-ignore
  return {
    fields: {
      name: c.name, company: c.company, email: c.email, tier: c.tier, tags: c.tags, notes: c.notes,
      custom: c.custom, phones: c.phones, tickets: c.tickets, appointments: c.appointments,
      external_id: c.external_id, record_url: c.record_url,
      email_key: email?.toLowerCase() ?? null,
      dedupe_key: dedupeKey,
      content_hash: hash ? contentHash(content) : '',
    },
    phones,
  };
}

type Content = Omit<ContactFields, 'email_key' | 'dedupe_key' | 'content_hash'>;

/** The hash an upsert compares: of the content columns, in this order (stored hashes depend on it). */
export function contentHash(f: Content): string {
  // prettier-ignore
  const content: Content = {
    name: f.name, company: f.company, email: f.email, tier: f.tier, tags: f.tags, notes: f.notes,
    custom: f.custom, phones: f.phones, tickets: f.tickets, appointments: f.appointments,
    external_id: f.external_id, record_url: f.record_url,
  };
  return sha1Base64(JSON.stringify(content));
}

/** A row prepared with `hash` false (by a parsing worker), finished where there is CPU to spare. */
export function withContentHash(prepared: PreparedContact): PreparedContact {
  return {
    fields: { ...prepared.fields, content_hash: contentHash(prepared.fields) },
    phones: prepared.phones,
  };
}

export function rowToContact(row: ContactRow): Contact {
  return {
    id: String(row.id),
    name: row.name,
    company: row.company,
    email: row.email,
    tier: row.tier,
    tags: JSON.parse(row.tags) as string[],
    notes: row.notes,
    custom: JSON.parse(row.custom) as Record<string, string>,
    phones: JSON.parse(row.phones) as ContactPhone[],
    tickets: JSON.parse(row.tickets) as Contact['tickets'],
    appointments: JSON.parse(row.appointments) as Contact['appointments'],
    externalId: row.external_id,
    recordUrl: row.record_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The SQL select list of a RawContactRow, for contacts aliased `alias`. The five JSON columns come packed
 * into one array by concatenation: one cell and one JSON.parse instead of five (~0.3 µs of a ~6 µs lookup).
 */
export function rawContactSelect(alias: string): string {
  const c = (column: string) => `${alias}.${column}`;
  const lists = ['tags', 'custom', 'phones', 'tickets', 'appointments'].map(c).join(" || ',' || ");
  return [
    ...['id', 'name', 'company', 'email', 'tier', 'notes'].map(c),
    `'[' || ${lists} || ']'`,
    ...['external_id', 'record_url', 'created_at', 'updated_at'].map(c),
  ].join(', ');
}

/** A row of `rawContactSelect`, as better-sqlite3's raw mode returns it (no per-row object of names). */
export type RawContactRow = readonly [
  id: number,
  name: string,
  company: string | null,
  email: string | null,
  tier: string | null,
  notes: string | null,
  /** `[tags, custom, phones, tickets, appointments]` as JSON */
  lists: string,
  external_id: string | null,
  record_url: string | null,
  created_at: number,
  updated_at: number,
];

type Lists = [
  Contact['tags'],
  Contact['custom'],
  Contact['phones'],
  Contact['tickets'],
  Contact['appointments'],
];

/** Reads the first 11 cells, so a query may append columns after the contact's (see findContactsByPhone). */
export function rawToContact(r: readonly [...RawContactRow, ...unknown[]]): Contact {
  const lists = JSON.parse(r[6]) as Lists; // indexed, not destructured: no iterator on the hot path
  return {
    id: String(r[0]),
    name: r[1],
    company: r[2],
    email: r[3],
    tier: r[4],
    tags: lists[0],
    notes: r[5],
    custom: lists[1],
    phones: lists[2],
    tickets: lists[3],
    appointments: lists[4],
    externalId: r[7],
    recordUrl: r[8],
    createdAt: r[9],
    updatedAt: r[10],
  };
}

/** Contact ids are integers in both databases; anything else names no contact. */
export function parseContactId(id: string): number | null {
  return /^[1-9]\d{0,15}$/.test(id) ? Number(id) : null;
}

/**
 * Phone rows joined to their contact, ordered by contact: each contact read once, one hit per phone row. The
 * SQL differs per store (Kysely, PostgreSQL's prepared read); the grouping is this one.
 */
export function groupPhoneRows<R extends ContactRow>(
  rows: readonly R[],
  phoneOf: (row: R) => Omit<PhoneHit, 'contactId'>,
): PhoneMatches {
  const hits: PhoneHit[] = [];
  const contacts: Contact[] = [];
  for (const row of rows) {
    const last = contacts[contacts.length - 1];
    const contact = last !== undefined && last.id === String(row.id) ? last : rowToContact(row);
    if (contact !== last) {
      contacts.push(contact);
    }
    hits.push({ contactId: contact.id, ...phoneOf(row) });
  }
  return { hits, contacts };
}
