// Call Events Report bodies (§7.5, §7.6) built from a finished conversation: the report and its summary item.
import type { DirectoryView } from './directory.ts';
import type { Conversation, Json, JsonObject, LineParty, Participant, PstnParty } from './conversation.ts';
import { reportTimestamp } from './format.ts';

function pstnReportType(party: PstnParty, withRemote: boolean): JsonObject {
  const base: Record<string, Json> = {
    value: 'PHONE_NUMBER',
    phoneNumberId: party.phoneNumberId,
    number: party.did,
    name: party.did,
  };
  if (withRemote) {
    base[party.role] = { name: party.remote.name, number: party.remote.number };
  }
  base['callProvider'] = 'PSTN';
  return base;
}

function lineReportType(party: LineParty): Record<string, Json> {
  return {
    value: 'LINE',
    lineId: party.line.id,
    deviceId: party.device.id,
    extensionNumber: party.line.extension,
    name: party.line.name,
    userId: party.user?.userId ?? '',
    userKey: party.user?.userKey ?? '',
  };
}

/** Distinct parties (an adopted transfer destination appears once). */
function distinct(conversation: Conversation): Participant[] {
  const byId = new Map<string, Participant>();
  for (const participant of conversation.everyone) {
    if (!byId.has(participant.id)) {
      byId.set(participant.id, participant);
    }
  }
  return [...byId.values()];
}

export function buildReport(conversation: Conversation): JsonObject {
  const m = conversation.metadata;
  const queue = conversation.queue;
  const participants = distinct(conversation).map((p) => {
    let type: JsonObject;
    if (p.party.kind === 'PHONE_NUMBER') {
      type = pstnReportType(p.party, true);
    } else if (queue !== null && queue.agentId === p.id) {
      // The queue agent who answered is listed as AGENT (report-call-a.json).
      type = {
        ...lineReportType(p.party),
        value: 'AGENT',
        wrapUpDuration: queue.queue.wrapUpSeconds * 1000 + 187,
        interactiveVoiceResponseSystemId: queue.ivrId,
        skills: [],
        matchedSkills: [],
      };
    } else {
      type = lineReportType(p.party);
    }
    return {
      id: p.id,
      originator: p.originator,
      legId: p.legId,
      recordings: [],
      liveTranscripts: [],
      transcripts: [],
      type,
    };
  });
  const ivrs =
    queue === null
      ? []
      : [
          {
            id: queue.ivrId,
            originator: queue.originator,
            type: {
              value: 'CALL_QUEUE',
              queueId: queue.queue.id,
              queueName: queue.queue.name,
              queueType: 'BASIC',
              extensionNumber: queue.queue.extension,
              leftQueueReason: queue.leftQueueReason ?? 'ABANDONED',
              callbackOffered: false,
              intents: [],
              configuredWrapUpDuration: queue.queue.wrapUpSeconds,
              callerWaitDuration: (queue.leftAt ?? conversation.endedAt ?? queue.enteredAt) - queue.enteredAt,
            },
          },
        ];
  const report: Record<string, Json> = {
    conversationSpaceId: m.conversationSpaceId,
    callCreated: reportTimestamp(m.callCreated),
    callEnded: reportTimestamp(conversation.endedAt ?? m.callCreated),
    callInitiator: 'DIRECT',
    direction: m.direction,
    accountKey: m.accountKey,
    participants,
    interactiveVoiceResponseSystems: ivrs,
    associatedConversations: m.associatedConversations ?? [],
  };
  if (m.hangupOriginatorId !== null) {
    report['hangupOriginatorId'] = m.hangupOriginatorId;
  }
  report['callStates'] = conversation.history.map((s) => s.reportState);
  return report;
}

function summaryParty(p: Participant, directory: DirectoryView): JsonObject {
  if (p.party.kind === 'PHONE_NUMBER') {
    return {
      name: p.party.remote.name,
      number: p.party.remote.number,
      legId: p.legId,
      type: pstnReportType(p.party, false),
    };
  }
  const user = p.party.user ?? directory.userOf(p.party.line);
  return {
    name: p.party.line.name,
    number: p.party.line.extension,
    legId: p.legId,
    type: {
      value: 'LINE',
      lineId: p.party.line.id,
      userId: user?.userId ?? '',
      userKey: user?.userKey ?? '',
    },
  };
}

/** First ACTIVE state: when the call was picked up (by a person or the dial plan; report-summaries-page.json). */
function answeredAt(conversation: Conversation): number | null {
  return conversation.history.find((s) => s.type === 'ACTIVE')?.at ?? null;
}

export function buildSummary(conversation: Conversation, directory: DirectoryView): JsonObject {
  const m = conversation.metadata;
  const parties = distinct(conversation);
  const caller = parties[0];
  const others = parties.filter((p) => p !== caller && conversation.connectedIds.has(p.id));
  const answered = answeredAt(conversation);
  const summary: Record<string, Json> = {
    conversationSpaceId: m.conversationSpaceId,
    accountKey: m.accountKey,
    callCreated: reportTimestamp(m.callCreated),
  };
  if (answered !== null) {
    summary['callAnswered'] = reportTimestamp(answered);
  }
  summary['callEnded'] = reportTimestamp(conversation.endedAt ?? m.callCreated);
  summary['callInitiator'] = 'DIRECT';
  summary['direction'] = m.direction;
  if (caller !== undefined) {
    summary['caller'] = summaryParty(caller, directory);
  }
  summary['callerOutcome'] = conversation.callerOutcome;
  summary['participants'] = others.map((p) => summaryParty(p, directory));
  return summary;
}

/** Whether a finished conversation involves a filter value (report-summaries `userKey` / `lineId` / …). */
export function involves(
  conversation: Conversation,
  filter: { kind: 'accountKey' | 'userKey' | 'lineId' | 'phoneNumberId'; value: string },
): boolean {
  if (filter.kind === 'accountKey') {
    return conversation.metadata.accountKey === filter.value;
  }
  return conversation.everyone.some((p) => {
    if (p.party.kind === 'PHONE_NUMBER') {
      return filter.kind === 'phoneNumberId' && p.party.phoneNumberId === filter.value;
    }
    return filter.kind === 'lineId'
      ? p.party.line.id === filter.value
      : filter.kind === 'userKey' && p.party.line.userKey === filter.value;
  });
}
