// The "salesforce" kind's call log: a completed Task of subtype Call on the Contact or Lead (WhoId) or the Account
// (WhatId), PATCHed in place on update, and found again by CallObject when a create's answer was lost.
import { z } from 'zod';
import type { CallRecordWriter, CrmCallRecord, CrmRecordRef } from './call-record.ts';
import { callDescription, callSubject } from './connector-entry.ts';
import { shape, writeError } from './crm-fetch.ts';
import type { SalesforceConfig } from './salesforce.ts';
import { SALESFORCE_ID, sharedSession } from './salesforce-session.ts';

const createdSchema = z.object({ id: z.string() });
const taskQuerySchema = z.object({ records: z.array(z.object({ Id: z.string() })) });

/** A value inside a SOQL string literal: backslash and quote escaped, as the SOQL reference says. */
function soqlText(text: string): string {
  return text.slice(0, 255).replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

const CALL_TYPE = { inbound: 'Inbound', outbound: 'Outbound', internal: 'Internal' } as const;

/** Who (Contact 003…, Lead 00Q…) or what (Account 001…) the Task is about, by the id's key prefix. */
function about(record: CrmCallRecord): Record<string, string> {
  const id = record.contact?.externalId ?? '';
  if (!SALESFORCE_ID.test(id)) {
    return {};
  }
  if (id.startsWith('003') || id.startsWith('00Q')) {
    return { WhoId: id };
  }
  return id.startsWith('001') ? { WhatId: id } : {};
}

function task(record: CrmCallRecord): Record<string, unknown> {
  return {
    Subject: callSubject(record).slice(0, 255),
    Status: 'Completed',
    Priority: 'Normal',
    CallType: CALL_TYPE[record.direction],
    CallDurationInSeconds: record.talkSeconds,
    CallObject: record.callId.slice(0, 255),
    CallDisposition: record.disposition?.slice(0, 255) ?? null,
    ActivityDate: new Date(record.startedAt).toISOString().slice(0, 10),
    Description: callDescription(record).slice(0, 32_000),
    ...about(record),
  };
}

export function createSalesforceWriter(config: SalesforceConfig): CallRecordWriter | null {
  if (!config.log) {
    return null;
  }
  const session = sharedSession(config);
  const tasks = `${config.api}/services/data/${config.apiVersion}/sobjects/Task`;
  const link = (id: string): string => `${config.web}/lightning/r/Task/${id}/view`;
  const data = `${config.api}/services/data/${config.apiVersion}`;
  return {
    name: config.name,
    // The Task's CallObject is screenpop's call id: a create whose answer was lost is found again by it.
    async find(record, signal): Promise<CrmRecordRef | null> {
      try {
        const q = `SELECT Id FROM Task WHERE CallObject = '${soqlText(record.callId)}' ORDER BY CreatedDate DESC LIMIT 1`;
        const url = `${data}/query/?${new URLSearchParams({ q })}`;
        const answer = await session.request({ url, timeoutMs: config.writeTimeoutMs, signal });
        const id = shape(taskQuerySchema, answer.body, 'Task query').records[0]?.Id;
        return id === undefined || !SALESFORCE_ID.test(id) ? null : { id, url: link(id) };
      } catch (error) {
        throw writeError(config.name, error);
      }
    },
    async write(record, existing, signal): Promise<CrmRecordRef> {
      try {
        if (existing === null) {
          // TaskSubtype can be set only when the Task is created (it makes the Task show as a call).
          const body = { ...task(record), TaskSubtype: 'Call' };
          const answer = await session.request({
            method: 'POST',
            url: tasks,
            body,
            timeoutMs: config.writeTimeoutMs,
            signal,
          });
          const id = shape(createdSchema, answer.body, 'Task').id;
          return { id, url: link(id) };
        }
        if (!SALESFORCE_ID.test(existing.id)) {
          throw new Error(`not a Salesforce record id: ${existing.id}`);
        }
        const url = `${tasks}/${existing.id}`;
        await session.request({
          method: 'PATCH',
          url,
          body: task(record),
          timeoutMs: config.writeTimeoutMs,
          signal,
        });
        return { id: existing.id, url: link(existing.id) };
      } catch (error) {
        throw writeError(config.name, error);
      }
    },
  };
}
