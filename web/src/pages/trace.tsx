// "Why no card?": search calls by number or call id (an agent's own lines; every call for a supervisor), and read
// one call's trace as a timeline in words, with the findings on top.
import { useEffect, useState } from 'preact/hooks';
import type { Me } from '../../../src/shared/api.ts';
import type { CallTraceView, TraceSearchHit } from '../../../src/shared/trace.ts';
import { api, errorText } from '../api.ts';
import { PendingPane, SearchBox } from '../components/page-parts.tsx';
import { outcomeText } from '../lib/card-text.ts';
import { formatCallTime } from '../lib/format.ts';
import { formatPhone } from '../lib/phone.ts';
import { routeHash } from '../lib/route.ts';
import { describeStep, lineNames, offsetText, timelineStart, traceFindings } from '../lib/trace-text.ts';
import { useDebounced } from '../use-debounced.ts';

const tracesUrl = (q: string): string => `/api/traces?q=${encodeURIComponent(q)}`;
const traceUrl = (callId: string): string => `/api/traces/${encodeURIComponent(callId)}`;

function hitNumber(h: TraceSearchHit): string {
  if (h.callerE164 !== null) {
    return formatPhone(h.callerE164);
  }
  return h.callerRaw === '' ? 'Unknown number' : h.callerRaw;
}

export function TracePage(props: { callId: string | null; me: Me }) {
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 300);
  const [hits, setHits] = useState<readonly TraceSearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (query === '') {
      setHits(null);
      return;
    }
    setError(null);
    api<{ items: TraceSearchHit[] }>('GET', tracesUrl(query))
      .then((r) => setHits(r.items))
      .catch((e: unknown) => setError(errorText(e)));
  }, [query]);
  const now = Date.now();
  return (
    <div class="split">
      <section class="list-pane" aria-label="Find a call">
        <h1>Why no card?</h1>
        <p class="muted">
          Search a caller’s number or a call id to see what screenpop received, who the card went to, and why
          not.{' '}
          {props.me.role === 'supervisor'
            ? 'You can search every call.'
            : 'You can search the calls on your lines.'}
        </p>
        <div class="toolbar">
          <SearchBox
            testid="trace-search"
            placeholder="Number or call id…"
            label="Search calls by number or call id"
            value={q}
            onInput={setQ}
          />
        </div>
        {error !== null && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {hits?.length === 0 && (
          <p class="muted" data-testid="trace-empty">
            No call {props.me.role === 'supervisor' ? '' : 'on your lines '}matches “{query}”.
          </p>
        )}
        <ul class="rows">
          {hits?.map((h) => (
            <li key={h.callId}>
              <a
                class={`row-link ${props.callId === h.callId ? 'selected' : ''}`}
                href={routeHash({ page: 'trace', callId: h.callId })}
                data-testid="trace-hit"
                data-call-id={h.callId}
              >
                <span class="row-main">
                  <strong>{h.callerName ?? hitNumber(h)}</strong>
                  {h.callerName !== null && <span class="mono muted">{hitNumber(h)}</span>}
                  <span class={`badge small outcome ${h.outcome ?? h.phase}`}>
                    {h.outcome === null ? h.phase : outcomeText(h.outcome)}
                  </span>
                </span>
                <span class="row-sub muted">
                  {formatCallTime(h.startedAt, now)} · {h.traced ? 'trace kept' : 'trace no longer kept'}
                  {h.logged ? ' · in the call log' : ''}
                </span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      {props.callId && <TraceDetail key={props.callId} callId={props.callId} me={props.me} />}
    </div>
  );
}

function TraceDetail(props: { callId: string; me: Me }) {
  const [view, setView] = useState<CallTraceView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<CallTraceView>('GET', traceUrl(props.callId))
      .then(setView)
      .catch((e: unknown) => setError(errorText(e)));
  }, [props.callId]);
  if (view === null) {
    return <PendingPane error={error} />;
  }
  const findings = traceFindings(view, props.me.principal);
  const steps = view.trace?.steps ?? [];
  const first = timelineStart(steps);
  const names = lineNames(steps);
  return (
    <section class="detail-pane trace" data-testid="trace-detail" aria-label="Call trace">
      <a class="close-link" href={routeHash({ page: 'trace', callId: null })} aria-label="Close the trace">
        ×
      </a>
      <h2>
        Call <span class="mono">{view.callId}</span>
      </h2>
      <ul class="findings" data-testid="trace-findings">
        {findings.map((f) => (
          <li key={f} data-testid="trace-finding">
            {f}
          </li>
        ))}
      </ul>
      {view.logged !== null && (
        <p class="muted" data-testid="trace-logged">
          Call log: {outcomeText(view.logged.outcome)}
          {view.logged.answeredByName ? ` by ${view.logged.answeredByName}` : ''}, on{' '}
          {view.logged.lineIds.map((id) => names.get(id) ?? id).join(', ') || 'none'}.{' '}
          <a href={routeHash({ page: 'history', callId: view.callId })}>Open in the call history</a>
        </p>
      )}
      {steps.length > 0 && (
        <ol class="timeline" data-testid="trace-timeline">
          {steps.map((step, i) => {
            const text = describeStep(step);
            return (
              <li key={i} class={`step ${text.tone}`} data-testid="trace-step" data-kind={step.kind}>
                <time dateTime={new Date(step.at).toISOString()} title={new Date(step.at).toLocaleString()}>
                  {offsetText(step.at - first)}
                </time>
                <div>
                  <strong>{text.title}</strong>
                  {text.details.map((d) => (
                    <p key={d} class={d.startsWith('snapshot ') || d.startsWith('leg ') ? 'mono muted' : ''}>
                      {d}
                    </p>
                  ))}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
