// Contact form fields ↔ ContactInput: phones one per line ("mobile: +1 312 555 0140"), tags comma-separated.
import type { Contact, ContactInput } from '../../../src/shared/api.ts';

export interface ContactFields {
  readonly name: string;
  readonly company: string;
  readonly email: string;
  readonly tier: string;
  readonly tags: string;
  readonly phones: string;
  readonly notes: string;
  readonly recordUrl: string;
}

export const emptyFields = (phone = ''): ContactFields => ({
  name: '',
  company: '',
  email: '',
  tier: '',
  tags: '',
  phones: phone,
  notes: '',
  recordUrl: '',
});

export function fieldsFromContact(c: Contact): ContactFields {
  return {
    name: c.name,
    company: c.company ?? '',
    email: c.email ?? '',
    tier: c.tier ?? '',
    tags: c.tags.join(', '),
    phones: c.phones.map((p) => (p.label ? `${p.label}: ${p.raw}` : p.raw)).join('\n'),
    notes: c.notes ?? '',
    recordUrl: c.recordUrl ?? '',
  };
}

/** "mobile: +1 312…" → label + raw; a line that starts with a digit, + or ( is a bare number. */
export function parsePhones(text: string): { raw: string; label: string | null }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^([^\d+(:][^:]*):\s*(.+)$/.exec(line);
      return m ? { raw: m[2]!.trim(), label: m[1]!.trim() } : { raw: line, label: null };
    });
}

const orNull = (s: string): string | null => s.trim() || null;

/** Fields → the PUT/POST body. On edit, keeps what the form does not show (tickets, custom fields, ids). */
export function contactInput(f: ContactFields, existing?: Contact): ContactInput {
  return {
    name: f.name.trim(),
    company: orNull(f.company),
    email: orNull(f.email),
    tier: orNull(f.tier),
    tags: f.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    phones: parsePhones(f.phones),
    notes: orNull(f.notes),
    recordUrl: orNull(f.recordUrl),
    custom: existing?.custom ?? {},
    tickets: existing?.tickets ?? [],
    appointments: existing?.appointments ?? [],
    externalId: existing?.externalId ?? null,
  };
}
