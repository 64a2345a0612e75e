// Streaming vCard (.vcf, versions 2.1 / 3.0 / 4.0) contact import: each card becomes a row of cells and goes
// through the same validation and batching as a CSV row.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { Column, ContactField } from './column-map.ts';
import { recordToContact } from './row-contact.ts';
import { ImportSink } from './import-report.ts';
import type { ImportOptions, ImportReport, ImportTarget } from './import-report.ts';

interface Property {
  readonly name: string;
  readonly types: readonly string[];
  readonly value: string;
}

function unescape(value: string): string {
  return value.replace(/\\([nN,;\\])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** "item1.TEL;TYPE=work,voice:+1 312 555 0140" → { name: "TEL", types: ["work", "voice"], value }. */
function parseProperty(line: string): Property | null {
  const colon = line.indexOf(':');
  if (colon < 0) {
    return null;
  }
  const [head = '', ...params] = line.slice(0, colon).split(';');
  const types = params.flatMap((p) => {
    const [k, v] = p.includes('=') ? p.split('=') : ['TYPE', p];
    return k?.toUpperCase() === 'TYPE' && v !== undefined ? v.replace(/"/g, '').toLowerCase().split(',') : [];
  });
  return { name: head.replace(/^.*\./, '').toUpperCase(), types, value: line.slice(colon + 1) };
}

/** One card's properties → cells and the columns that say what each cell is. */
function cardToCells(properties: readonly Property[]): { cells: string[]; columns: Column[] } {
  const cells: string[] = [];
  const columns: Column[] = [];
  const add = (field: ContactField, header: string, value: string, label: string | null = null): void => {
    columns.push({ index: cells.length, header, field, label });
    cells.push(value);
  };
  for (const p of properties) {
    const components = p.value.split(/(?<!\\);/).map(unescape);
    switch (p.name) {
      case 'FN':
        add('name', 'FN', unescape(p.value));
        break;
      case 'N':
        add('lastName', 'N', components[0] ?? '');
        add('firstName', 'N', components[1] ?? '');
        break;
      case 'ORG':
        add('company', 'ORG', components[0] ?? '');
        break;
      case 'EMAIL':
        if (!columns.some((c) => c.field === 'email')) {
          add('email', 'EMAIL', unescape(p.value));
        }
        break;
      case 'TEL':
        add(
          'phone',
          'TEL',
          p.value.replace(/^tel:/i, ''),
          p.types.find((t) => !/^(voice|pref|\d+)$/.test(t)) ?? null,
        );
        break;
      case 'NOTE':
        add('notes', 'NOTE', unescape(p.value));
        break;
      case 'UID':
        add('externalId', 'UID', unescape(p.value));
        break;
      case 'URL':
        add('recordUrl', 'URL', unescape(p.value));
        break;
      case 'CATEGORIES':
        add('tags', 'CATEGORIES', unescape(p.value));
        break;
      case 'TITLE':
        add('custom', 'Title', unescape(p.value));
        break;
    }
  }
  return { cells, columns };
}

export async function importContactsVcard(
  input: AsyncIterable<string | Uint8Array> | NodeJS.ReadableStream,
  contacts: ImportTarget,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const lines = createInterface({
    input: Readable.from(input as AsyncIterable<string | Uint8Array>),
    crlfDelay: Infinity,
  });
  const sink = new ImportSink(contacts, options);
  let card: { line: number; properties: Property[] } | null = null;
  let pending: string | null = null;
  let pendingLine = 0;
  let lineNo = 0;
  const take = async (line: string, at: number): Promise<void> => {
    const upper = line.trim().toUpperCase();
    if (upper === 'BEGIN:VCARD') {
      card = { line: at, properties: [] };
    } else if (upper === 'END:VCARD' && card !== null) {
      const { cells, columns } = cardToCells(card.properties);
      const result = recordToContact(cells, columns);
      if (result.ok) {
        await sink.accept(card.line, result.contact);
      } else {
        sink.reject(card.line, result.reason ?? 'empty card');
      }
      card = null;
    } else if (card !== null) {
      const property = parseProperty(line);
      if (property !== null) {
        card.properties.push(property);
      }
    }
  };
  await sink.start();
  try {
    for await (const raw of lines) {
      lineNo += 1;
      // Folded lines (RFC 6350 §3.2) continue the previous one after a leading space or tab.
      if ((raw.startsWith(' ') || raw.startsWith('\t')) && pending !== null) {
        pending += raw.slice(1);
        continue;
      }
      if (pending !== null) {
        await take(pending, pendingLine);
      }
      pending = raw;
      pendingLine = lineNo;
    }
    if (pending !== null) {
      await take(pending, pendingLine);
    }
    return await sink.finish();
  } finally {
    await sink.close();
  }
}
