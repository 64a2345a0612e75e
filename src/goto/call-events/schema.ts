// zod schemas for Call Events notifications (goto-protocol.md §5.6, §6.4–6.6): only the members screenpop reads.
import { z } from 'zod';

// GoTo may add members at any time and sends explicit nulls where others leave members out (§9.4 #1, #2):
// objects ignore unknown keys, and every optional member accepts null as well as absence.
const str = z.string();
const optStr = z.string().nullish();

const nameNumber = z.object({ name: optStr, number: optStr }).nullish();

export const participantSchema = z.object({
  id: str,
  originator: optStr,
  /** The device leg. Taken to be the id a Realtime dialog carries as `data.legId` (§4.5) [INF; so in the simulator]. */
  legId: optStr,
  status: z
    .object({
      value: str,
      initiator: z.object({ participantId: optStr }).nullish(),
    })
    .nullish(),
  type: z.object({
    value: str,
    lineId: optStr,
    extensionNumber: optStr,
    name: optStr,
    number: optStr,
    caller: nameNumber,
    callee: nameNumber,
  }),
});

export const ivrSchema = z.object({
  type: z
    .object({
      value: str,
      queueId: optStr,
      queueName: optStr,
    })
    .nullish(),
});

export const metadataSchema = z.object({
  conversationSpaceId: str,
  direction: str,
  accountKey: str,
  callCreated: optStr,
  dialString: optStr,
  associatedConversations: z.array(str).nullish(),
});

export const stateSchema = z.object({
  id: optStr,
  sequenceNumber: z.number().int(),
  type: str,
  timestamp: optStr,
  participants: z.array(participantSchema).nullish(),
  interactiveVoiceResponseSystems: z.array(ivrSchema).nullish(),
});

export const callStateContentSchema = z.object({ metadata: metadataSchema, state: stateSchema });

/** The notification (`frame.data` on a WebSocket, the whole body on a webhook). `content` depends on the source. */
export const notificationSchema = z.object({
  id: optStr,
  source: optStr,
  type: optStr,
  content: z.unknown(),
});

export const frameSchema = z.object({ data: notificationSchema.nullish() });

/** REPORT_SUMMARY content (§7.4): the id is the only member confirmed. */
export const reportSummaryContentSchema = z.object({ conversationSpaceId: str });

/** GET /conversation-spaces: each active call's latest state (§6.7). */
export const conversationSpacesSchema = z.object({
  items: z.array(z.object({ metadata: metadataSchema, state: stateSchema })).nullish(),
  nextPageMarker: optStr,
});

/** GET /conversation-spaces/{id}/events: the states of one call, in sequence order (§6.7, §11 #12). */
export const conversationEventsSchema = z.object({
  items: z.array(stateSchema).nullish(),
  nextPageMarker: optStr,
});

export type Participant = z.infer<typeof participantSchema>;
export type Ivr = z.infer<typeof ivrSchema>;
export type CallMetadata = z.infer<typeof metadataSchema>;
export type CallState = z.infer<typeof stateSchema>;
