// The card and the push protocol between server/ and the browser app (web/ imports only this folder).
// Written once, as zod schemas: the TypeScript types are inferred from them, the server parses client frames
// and the browser parses server frames with them. zod/mini because this ships in the browser bundle: it adds
// 22 kB (7 kB gzipped) to it, full zod's chaining API 88 kB (25 kB gzipped).
import { z } from 'zod/mini';

/** A readonly record in the inferred type: nobody edits a card in place. */
const record = <S extends z.core.$ZodLooseShape>(shape: S) => z.readonly(z.object(shape));
const list = <T extends z.ZodMiniType>(item: T) => z.readonly(z.array(item));
const text = z.string();
const maybeText = z.nullable(text);
const count = z.int().check(z.minimum(0));
/** Epoch ms. */
const time = z.number();

export const cardPhaseSchema = z.enum(['ringing', 'connected', 'ended']);
export const cardOutcomeSchema = z.enum(['answered', 'missed', 'abandoned']);

export const cardTicketSchema = record({ id: text, title: text, status: text, url: maybeText });

export const cardContactSchema = record({
  id: text,
  name: text,
  company: maybeText,
  email: maybeText,
  tier: maybeText,
  tags: list(text),
  recordUrl: maybeText,
  tickets: list(cardTicketSchema),
  appointments: list(record({ at: time, title: text })),
});

export const cardMatchSchema = record({
  contact: cardContactSchema,
  score: z.number(),
  /** "exact E.164", "last 7 digits", "pinned", "from CRM". */
  reason: text,
  pinned: z.boolean(),
  /** Which source found the contact (and so its tickets and appointments): "store" (screenpop's contacts) or a
   * lookup provider's configured name ("hubspot"). Absent on cards from before it existed. */
  source: z.optional(text),
  /** Who pinned the contact to the number, when pinned. */
  pinnedBy: z.optional(maybeText),
});

export const cardLastCallSchema = record({
  callId: text,
  at: time,
  outcome: cardOutcomeSchema,
  answeredByName: maybeText,
  notes: maybeText,
  disposition: maybeText,
});

export const cardLineSchema = record({
  lineId: text,
  extension: maybeText,
  name: maybeText,
  state: z.enum(['ringing', 'connected', 'held', 'gone']),
  /** True when the line rang while screenpop was not listening (its GoTo connection was down): heard late. */
  rangUnheard: z.optional(z.boolean()),
});

export const cardSchema = record({
  callId: text,
  /** Grows with every update of this card; the browser ignores an update older than what it shows. */
  version: z.number(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  phase: cardPhaseSchema,
  outcome: z.nullable(cardOutcomeSchema),
  /** True when the call ended unanswered right after the GoTo connection was down: `outcome` is a guess. */
  outcomeUnknown: z.optional(z.boolean()),
  caller: record({
    /** For display: E.164 formatted internationally, or the raw number, or "Withheld". */
    display: text,
    e164: maybeText,
    /** Untrusted caller-ID text: render as text only. */
    name: maybeText,
    withheld: z.boolean(),
  }),
  dialed: maybeText,
  queue: maybeText,
  lines: list(cardLineSchema),
  answeredBy: z.nullable(cardLineSchema),
  startedAt: time,
  answeredAt: z.nullable(time),
  endedAt: z.nullable(time),
  lookup: record({
    /** pending: sources still answering; done: all answered; partial: budget ran out, some failed. */
    status: z.enum(['pending', 'done', 'partial']),
    matches: list(cardMatchSchema),
    /** Set when there is no usable number ("withheld", "invalid number") or nothing matched ("no match"). */
    unknownReason: maybeText,
  }),
  history: record({ lastCall: z.nullable(cardLastCallSchema), callsLast30Days: count }),
  urgency: record({ level: z.enum(['none', 'elevated', 'urgent']), reason: maybeText }),
  /** Buttons from the configured URL templates, already filled in. */
  links: list(record({ label: text, url: text })),
  /** Notes saved after this call. */
  notes: z.nullable(record({ text: maybeText, disposition: maybeText })),
});

/** Server → browser. `cursor` grows with each of the agent's updates; the browser resumes from the last one it saw. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  record({ type: z.literal('hello'), principal: text, cursor: count }),
  record({ type: z.literal('card'), cursor: count, card: cardSchema }),
  record({ type: z.literal('resumed'), cursor: count, replayed: count }),
  record({ type: z.literal('error'), code: text, message: text }),
]);

/** Browser → server. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  record({ type: z.literal('resume'), cursor: count }),
  record({ type: z.literal('ping') }),
]);

export type CardPhase = z.infer<typeof cardPhaseSchema>;
export type CardOutcome = z.infer<typeof cardOutcomeSchema>;
export type CardTicket = z.infer<typeof cardTicketSchema>;
export type CardContact = z.infer<typeof cardContactSchema>;
export type CardMatch = z.infer<typeof cardMatchSchema>;
export type CardLastCall = z.infer<typeof cardLastCallSchema>;
export type CardLine = z.infer<typeof cardLineSchema>;
export type Card = z.infer<typeof cardSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** A frame's JSON value, or null when it is not JSON (one place for the try/catch both ends need). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
