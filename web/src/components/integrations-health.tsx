// Supervisors' Settings → Integrations: the lookup providers and webhook endpoints with their health, and the
// latest webhook delivery attempts. A provider that writes calls back to its CRM shows "call logging" too.
import { useEffect, useState } from 'preact/hooks';
import type {
  CallLoggingHealth,
  ProviderHealth,
  WebhookAttemptRecord,
  WebhookEndpointStatus,
} from '../../../src/shared/trace.ts';
import { api, errorText } from '../api.ts';
import { formatAgo, formatWhen } from '../lib/format.ts';
import {
  callLoggingCounts,
  callLoggingState,
  latencyText,
  providerState,
  webhookState,
} from '../lib/health-text.ts';

const ATTEMPTS = 20;

interface Health {
  readonly providers: readonly ProviderHealth[];
  readonly endpoints: readonly WebhookEndpointStatus[];
  readonly attempts: readonly WebhookAttemptRecord[];
}

export function IntegrationsHealth() {
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (): void => {
    Promise.all([
      api<{ providers: ProviderHealth[] }>('GET', '/api/providers'),
      api<{ endpoints: WebhookEndpointStatus[] }>('GET', '/api/webhooks'),
      api<{ items: WebhookAttemptRecord[] }>('GET', `/api/webhooks/attempts?limit=${ATTEMPTS}`),
    ])
      .then(([p, w, a]) => {
        setHealth({ providers: p.providers, endpoints: w.endpoints, attempts: a.items });
        setError(null);
      })
      .catch((e: unknown) => setError(errorText(e)));
  };
  useEffect(load, []);
  const now = Date.now();
  return (
    <section class="page" aria-label="Integrations" data-testid="integrations">
      <h2>Integrations</h2>
      <p class="muted">
        How the caller lookup’s providers, their CRM call logging and the webhook endpoints are doing.{' '}
        <button type="button" class="link-button" data-testid="integrations-refresh" onClick={load}>
          Refresh
        </button>
      </p>
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {health === null && error === null && <p class="muted">Loading…</p>}
      {health !== null && <Providers providers={health.providers} now={now} />}
      {health !== null && <Endpoints endpoints={health.endpoints} attempts={health.attempts} now={now} />}
    </section>
  );
}

function Providers(props: { providers: readonly ProviderHealth[]; now: number }) {
  if (props.providers.length === 0) {
    return (
      <p class="muted">No lookup providers configured: callers are matched against screenpop’s contacts.</p>
    );
  }
  return (
    <table class="health-table" data-testid="providers-health">
      <thead>
        <tr>
          <th>Lookup provider</th>
          <th>State</th>
          <th>Request time</th>
          <th>Last hour</th>
        </tr>
      </thead>
      <tbody>
        {props.providers.map((p) => {
          const state = providerState(p, props.now);
          return (
            <tr key={p.name} data-testid="provider-row" data-provider={p.name}>
              <td>
                <strong>{p.name}</strong> <span class="muted">({p.type})</span>
              </td>
              <td class={state.ok ? 'health-ok' : 'health-bad'} data-testid="provider-state">
                {state.text}
                {p.lastError !== null && state.ok && (
                  <div class="muted">
                    last error {formatAgo(p.lastErrorAt ?? props.now, props.now)}: {p.lastError}
                  </div>
                )}
                {p.callLogging !== null && <CallLogging logging={p.callLogging} now={props.now} />}
              </td>
              <td>{latencyText(p)}</td>
              <td>
                {p.requestsLastHour} requests
                {p.failuresLastHour > 0 ? `, ${p.failuresLastHour} failed` : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The CRM call logging of a provider that writes calls back (the outbox endpoint "crm:<provider>"). */
function CallLogging(props: { logging: CallLoggingHealth; now: number }) {
  const state = callLoggingState(props.logging, props.now);
  return (
    <div data-testid="provider-call-logging">
      <div class={state.ok ? 'health-ok' : 'health-bad'}>{state.text}</div>
      <div class="muted">{callLoggingCounts(props.logging)}</div>
    </div>
  );
}

function Endpoints(props: {
  endpoints: readonly WebhookEndpointStatus[];
  attempts: readonly WebhookAttemptRecord[];
  now: number;
}) {
  if (props.endpoints.length === 0) {
    return <p class="muted">No webhook endpoints configured (SCREENPOP_WEBHOOKS).</p>;
  }
  return (
    <>
      <table class="health-table" data-testid="webhooks-health">
        <thead>
          <tr>
            <th>Webhook endpoint</th>
            <th>State</th>
            <th>Last status</th>
            <th>Waiting</th>
          </tr>
        </thead>
        <tbody>
          {props.endpoints.map((e) => {
            const state = webhookState(e, props.now);
            return (
              <tr key={e.name} data-testid="webhook-row" data-endpoint={e.name}>
                <td>
                  <strong>{e.name}</strong>
                  <div class="mono muted">{e.url}</div>
                </td>
                <td class={state.ok ? 'health-ok' : 'health-bad'}>{state.text}</td>
                <td>{e.lastStatus ?? '—'}</td>
                <td>
                  {e.pending} pending{e.dead > 0 ? `, ${e.dead} given up` : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {props.attempts.length > 0 && (
        <>
          <h3>Latest delivery attempts</h3>
          <ul class="rows" data-testid="webhook-attempts">
            {props.attempts.map((a) => (
              <li key={`${a.eventId}-${a.attempt}`} class="row-sub">
                {formatWhen(a.at, props.now)} · {a.endpoint} · {a.type} (call {a.callId}) · attempt{' '}
                {a.attempt} ·{' '}
                <span class={a.ok ? 'health-ok' : 'health-bad'}>{a.status ?? a.error ?? 'no answer'}</span> in{' '}
                {Math.round(a.durationMs)} ms
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
