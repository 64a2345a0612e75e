// CSV headers → contact fields: automatic by common header names ("Full Name", "Organization", "Work Phone"...),
// with --map overrides ("Phone=phone,Org=company"); every other column becomes a custom field.

export type ContactField =
  | 'name'
  | 'firstName'
  | 'lastName'
  | 'company'
  | 'email'
  | 'phone'
  | 'tier'
  | 'tags'
  | 'notes'
  | 'externalId'
  | 'recordUrl'
  | 'custom'
  | 'ignore';

export interface Column {
  readonly index: number;
  readonly header: string;
  readonly field: ContactField;
  /** Phone label taken from the header ("Mobile" → "mobile", "Work Phone" → "work"); null for others. */
  readonly label: string | null;
}

/** Header spelled as a key: lower case, letters and digits only ("E-mail Address" → "emailaddress"). */
function key(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const ALIASES: Record<string, Exclude<ContactField, 'phone' | 'custom' | 'ignore'>> = {};
const NAMES: Record<Exclude<ContactField, 'phone' | 'custom' | 'ignore'>, readonly string[]> = {
  name: ['name', 'fullname', 'contactname', 'displayname', 'contact'],
  firstName: ['firstname', 'first', 'givenname', 'forename'],
  lastName: ['lastname', 'last', 'surname', 'familyname'],
  company: [
    'company',
    'companyname',
    'organization',
    'organisation',
    'org',
    'account',
    'accountname',
    'employer',
  ],
  email: ['email', 'emailaddress', 'mail', 'workemail', 'primaryemail'],
  tier: ['tier', 'customertier', 'level', 'segment', 'plan'],
  tags: ['tags', 'tag', 'labels', 'groups', 'categories'],
  notes: ['notes', 'note', 'comments', 'comment', 'description'],
  externalId: ['externalid', 'id', 'crmid', 'recordid', 'contactid', 'customerid', 'uid'],
  recordUrl: ['url', 'recordurl', 'link', 'crmurl', 'crmlink', 'profileurl'],
};
for (const [field, names] of Object.entries(NAMES)) {
  for (const name of names) {
    ALIASES[name] = field as keyof typeof NAMES;
  }
}

// "phone", "phone 2", "work phone", "mobile", "cell", "telephone", "tel", "mobile number"...
const PHONE = /phone|mobile|cell|^tel(ephone)?\d*$/;

/** The field a header (or a --map value) names, or null when it names none. */
export function fieldFor(name: string): ContactField | null {
  const k = key(name);
  if (k === 'custom' || k === 'ignore' || k === 'skip') {
    return k === 'skip' ? 'ignore' : k;
  }
  return ALIASES[k] ?? (PHONE.test(k) ? 'phone' : null);
}

function phoneLabel(header: string): string | null {
  const label = header
    .toLowerCase()
    .replace(/\b(phone|number|no|tel|telephone)\b|#/g, '')
    .replace(/[^a-z0-9 ]/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
  return label === '' || /^\d+$/.test(label) ? null : label;
}

/** Parses --map "Phone=phone,Org=company,Internal=ignore,Mobile=phone:cell" into header → target. */
export function parseMapOption(text: string): Map<string, { field: ContactField; label: string | null }> {
  const out = new Map<string, { field: ContactField; label: string | null }>();
  for (const pair of text.split(',')) {
    if (pair.trim() === '') {
      continue;
    }
    const [header, target] = pair.split('=').map((s) => s.trim());
    if (header === undefined || header === '' || target === undefined || target === '') {
      throw new Error(`--map: "${pair.trim()}" is not Header=field`);
    }
    const [fieldName = '', label] = target.split(':');
    const field = fieldFor(fieldName);
    if (field === null) {
      throw new Error(
        `--map: unknown field "${fieldName}" (use name, first name, last name, company, email, phone[:label], tier, tags, notes, external id, url, custom or ignore)`,
      );
    }
    out.set(key(header), { field, label: field === 'phone' ? (label?.trim() ?? null) : null });
  }
  return out;
}

/** Plans every column of a header row. */
export function planColumns(
  headers: readonly string[],
  overrides: ReadonlyMap<string, { field: ContactField; label: string | null }> = new Map(),
): Column[] {
  return headers.map((header, index) => {
    const override = overrides.get(key(header));
    if (override !== undefined) {
      return {
        index,
        header,
        field: override.field,
        label: override.field === 'phone' ? (override.label ?? phoneLabel(header)) : null,
      };
    }
    const field = fieldFor(header) ?? 'custom';
    return { index, header, field, label: field === 'phone' ? phoneLabel(header) : null };
  });
}
