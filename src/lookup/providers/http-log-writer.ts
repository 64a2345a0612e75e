// The "http" provider's call-log writer: the `log` section's create request, then its update request for the same
// record. It cannot search the CRM for a record it made, so a create whose answer was lost (screenpop killed
// between the CRM's answer and saving its id, or a timeout after the CRM wrote) may be made again on the retry:
// a CRM that de-duplicates by {callId} in the body (an idempotency key or an external-id field) avoids that.
import type { CallRecordWriter, CrmRecordRef } from './call-record.ts';
import { CrmWriteError } from './call-record.ts';
import type { HttpProviderConfig } from './http-config.ts';
import type { HttpLogConfig } from './http-log.ts';
import { fillLogBody, fillLogUrl, readLogId } from './http-log.ts';

const MAX_ANSWER_BYTES = 1_000_000;

function retryAfter(response: Response): number | null {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

export function createHttpLogWriter(config: HttpProviderConfig, log: HttpLogConfig): CallRecordWriter {
  async function send(method: string, url: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: 'application/json', 'content-type': 'application/json', ...config.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs * 5)]),
        redirect: 'error',
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new CrmWriteError(config.name, timedOut ? 'timed out' : 'request failed', true);
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retryable = response.status === 429 || response.status >= 500;
      throw new CrmWriteError(
        config.name,
        `HTTP ${response.status}`,
        retryable,
        response.status,
        retryAfter(response),
      );
    }
    const text = await response.text();
    if (text.length > MAX_ANSWER_BYTES) {
      throw new CrmWriteError(config.name, 'answer too large', false, response.status);
    }
    try {
      return text === '' ? null : (JSON.parse(text) as unknown);
    } catch {
      return null;
    }
  }

  function ref(id: string): CrmRecordRef {
    return {
      id,
      url: log.recordUrl === null ? null : log.recordUrl.split('${crmId}').join(encodeURIComponent(id)),
    };
  }

  return {
    name: config.name,
    async write(record, existing, signal) {
      const body = fillLogBody(log.body, record);
      if (existing !== null) {
        await send(log.update.method, fillLogUrl(log.update.url, record, existing.id), body, signal);
        return ref(existing.id);
      }
      const answer = await send(log.method, fillLogUrl(log.url, record, null), body, signal);
      const id = readLogId(answer, log.idPath);
      if (id === null) {
        // The CRM may have written the record; without its id an update would duplicate it, so say so plainly.
        throw new CrmWriteError(config.name, 'the answer has no record id at log.idPath', false);
      }
      return ref(id);
    },
  };
}
