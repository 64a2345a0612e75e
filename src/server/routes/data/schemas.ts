// zod schemas of the data API: they validate requests and generate the OpenAPI document (openapi.ts).
import { z } from 'zod';
import type {
  AuditEntry,
  CallLogEntry,
  Contact,
  ContactInput,
  NoteRevision,
  NotesBody,
  PinBody,
} from '../../../shared/api.ts';

const text = (max: number) => z.string().max(max);
/** Links the card renders as buttons: http(s) only, so a stored `javascript:` or `data:` URL can never run. */
const webUrl = z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2000);
const optionalText = (max: number) => text(max).nullable().optional();

export const ticketSchema = z.strictObject({
  id: z.string().min(1).max(200),
  title: text(500),
  status: text(100),
  url: webUrl.nullable(),
});

export const appointmentSchema = z.strictObject({
  at: z.number().int().describe('epoch ms'),
  title: text(500),
});

export const contactInputSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'a name is required').max(200),
    company: optionalText(200),
    email: z.email().max(320).nullable().optional(),
    tier: optionalText(100),
    tags: z.array(z.string().min(1).max(100)).max(100).optional(),
    notes: optionalText(10_000),
    custom: z.record(z.string().max(200), text(2000)).optional(),
    phones: z
      .array(z.strictObject({ raw: z.string().trim().min(1).max(100), label: optionalText(100) }))
      .max(20)
      .optional(),
    tickets: z.array(ticketSchema).max(200).optional(),
    appointments: z.array(appointmentSchema).max(200).optional(),
    externalId: optionalText(200),
    recordUrl: webUrl.nullable().optional(),
  })
  .meta({ id: 'ContactInput' });

export const contactSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    company: z.string().nullable(),
    email: z.string().nullable(),
    tier: z.string().nullable(),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    custom: z.record(z.string(), z.string()),
    phones: z.array(z.object({ raw: z.string(), e164: z.string().nullable(), label: z.string().nullable() })),
    tickets: z.array(ticketSchema),
    appointments: z.array(appointmentSchema),
    externalId: z.string().nullable(),
    recordUrl: z.string().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .meta({ id: 'Contact' });

export const callLogEntrySchema = z
  .object({
    callId: z.string(),
    direction: z.enum(['inbound', 'outbound', 'internal']),
    callerE164: z.string().nullable(),
    callerRaw: z.string(),
    callerName: z.string().nullable(),
    withheld: z.boolean(),
    dialed: z.string().nullable(),
    lineIds: z.array(z.string()),
    answeredBy: z.string().nullable(),
    answeredByName: z.string().nullable(),
    startedAt: z.number().int(),
    answeredAt: z.number().int().nullable(),
    endedAt: z.number().int(),
    outcome: z.enum(['answered', 'missed', 'abandoned']),
    contactId: z.string().nullable(),
    contactName: z.string().nullable().optional(),
    notes: z.string().nullable(),
    disposition: z.string().nullable(),
    notesBy: z.string().nullable(),
    notesAt: z.number().int().nullable(),
  })
  .meta({ id: 'CallLogEntry' });

export const notesBodySchema = z
  .strictObject({ notes: text(10_000).nullable(), disposition: text(200).nullable() })
  .meta({ id: 'NotesBody' });

export const pinBodySchema = z
  .strictObject({
    e164: z.string().regex(/^\+[1-9]\d{5,14}$/, 'an E.164 number such as +13125550140'),
    contactId: z.string().min(1).max(20),
  })
  .meta({ id: 'PinBody' });

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const contactQuerySchema = z.strictObject({
  q: z.string().max(200).optional(),
  limit: limit(500, 50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const callQuerySchema = z.strictObject({
  number: z.string().max(100).optional().describe('any spelling; normalized to E.164'),
  outcome: z.enum(['answered', 'missed', 'abandoned']).optional(),
  line: z.string().max(200).optional(),
  q: z.string().max(200).optional(),
  before: z.coerce.number().int().optional().describe('epoch ms: calls that started before'),
  limit: limit(500, 50),
});

export const auditQuerySchema = z.strictObject({
  beforeId: z.coerce.number().int().min(1).optional().describe('entries older than this id (paging back)'),
  limit: limit(10_000, 500),
});

export const idParamsSchema = z.strictObject({ id: z.string().min(1).max(200) });
export const pinParamsSchema = z.strictObject({ e164: z.string().min(1).max(20) });

export const contactPageSchema = z
  .object({ items: z.array(contactSchema), total: z.number().int() })
  .meta({ id: 'ContactPage' });
export const callListSchema = z.object({ items: z.array(callLogEntrySchema) }).meta({ id: 'CallList' });

export const noteRevisionSchema = z
  .object({
    callId: z.string(),
    notes: z.string().nullable(),
    disposition: z.string().nullable(),
    by: z.string(),
    at: z.number().int(),
  })
  .meta({ id: 'NoteRevision' });
export const noteRevisionListSchema = z
  .object({ items: z.array(noteRevisionSchema) })
  .meta({ id: 'NoteRevisionList' });

export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.number().int(),
    actor: z.string(),
    action: z.enum([
      'card.viewed',
      'contact.created',
      'contact.updated',
      'contact.deleted',
      'pin.set',
      'pin.cleared',
      'notes.saved',
    ]),
    targetType: z.enum(['call', 'contact', 'pin']),
    targetId: z.string(),
    detail: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });
export const auditListSchema = z.object({ items: z.array(auditEntrySchema) }).meta({ id: 'AuditList' });

export const apiErrorSchema = z
  .object({
    error: z.string(),
    message: z.string(),
    correlationId: z.string().optional(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'ApiError' });

// The schemas must describe the shared types exactly: these fail to compile when either side drifts.
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
export const schemasMatchSharedTypes: [
  Same<Mutable<ContactInput>, Mutable<z.input<typeof contactInputSchema>>>,
  Same<Mutable<Contact>, z.output<typeof contactSchema>>,
  Same<Mutable<CallLogEntry>, z.output<typeof callLogEntrySchema>>,
  Same<Mutable<NotesBody>, z.output<typeof notesBodySchema>>,
  Same<Mutable<PinBody>, z.output<typeof pinBodySchema>>,
  Same<Mutable<NoteRevision>, z.output<typeof noteRevisionSchema>>,
  Same<Mutable<AuditEntry>, z.output<typeof auditEntrySchema>>,
] = [true, true, true, true, true, true, true];
