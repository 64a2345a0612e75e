// Under a history row: the call's record in each CRM — "logged to HubSpot" (a link to the record), "logging…", or
// "logging failed: …" with a Retry button (the server decides who may retry: the call's agents and supervisors).
import { useState } from 'preact/hooks';
import type { CrmLogStatus } from '../../../src/shared/api.ts';
import { api, errorText } from '../api.ts';
import { crmLogText } from '../lib/crm-log-text.ts';
import { safeHttpUrl } from '../lib/urls.ts';

function Entry(props: { callId: string; status: CrmLogStatus }) {
  const s = props.status;
  const [retry, setRetry] = useState<{ kind: 'idle' | 'queued' } | { kind: 'error'; text: string }>({
    kind: 'idle',
  });
  const text = crmLogText(s);
  const url = safeHttpUrl(s.url);
  return (
    <span
      class={`crm-log ${s.status}`}
      data-testid="crm-log"
      data-provider={s.provider}
      data-status={s.status}
    >
      {s.status === 'logged' && url !== null ? (
        <a href={url} target="_blank" rel="noopener noreferrer">
          {text}
        </a>
      ) : (
        text
      )}
      {s.status === 'failed' && retry.kind !== 'queued' && (
        <button
          type="button"
          class="button secondary small"
          data-testid="crm-log-retry"
          onClick={() => {
            api('POST', `/api/calls/${encodeURIComponent(props.callId)}/crm/retry`, { provider: s.provider })
              .then(() => setRetry({ kind: 'queued' }))
              .catch((e: unknown) => setRetry({ kind: 'error', text: errorText(e) }));
          }}
        >
          Retry
        </button>
      )}
      {retry.kind === 'queued' && ' · retry queued'}
      {retry.kind === 'error' && <span class="error"> {retry.text}</span>}
    </span>
  );
}

export function CrmLogLine(props: { callId: string; statuses: readonly CrmLogStatus[] | undefined }) {
  if (props.statuses === undefined || props.statuses.length === 0) {
    return null;
  }
  return (
    <div class="crm-log-line muted">
      {props.statuses.map((s) => (
        <Entry key={s.provider} callId={props.callId} status={s} />
      ))}
    </div>
  );
}
