// Call history: search, "missed only", and a detail panel where notes can be read and edited.
import { useEffect, useState } from 'preact/hooks';
import type { CallLogEntry, CrmLogStatus } from '../../../src/shared/api.ts';
import { api, errorText } from '../api.ts';
import { CrmLogLine } from '../components/crm-log-line.tsx';
import { HistoryRow, callTitle, callerNumber } from '../components/history-row.tsx';
import { crmLogUrl } from '../lib/crm-log-text.ts';
import { NoteRevisions } from '../components/note-revisions.tsx';
import { NotesEditor } from '../components/notes-form.tsx';
import { Checkbox, PendingPane, SearchBox } from '../components/page-parts.tsx';
import { outcomeText } from '../lib/card-text.ts';
import { formatCallTime, formatDuration, formatWhen } from '../lib/format.ts';
import { routeHash } from '../lib/route.ts';
import { callsUrl, callUrl } from '../lib/urls.ts';
import { useDebounced } from '../use-debounced.ts';

const PAGE = 50;

export function HistoryPage(props: { callId: string | null }) {
  const [q, setQ] = useState('');
  const [missedOnly, setMissedOnly] = useState(false);
  const query = useDebounced(q, 250);
  const [items, setItems] = useState<readonly CallLogEntry[]>([]);
  const [more, setMore] = useState(false);
  const [state, setState] = useState<{ kind: 'loading' | 'ready' } | { kind: 'error'; text: string }>({
    kind: 'loading',
  });

  const [crm, setCrm] = useState<ReadonlyMap<string, readonly CrmLogStatus[]>>(new Map());
  // Each page's CRM log states in one request; a failure only leaves the lines out.
  const loadCrm = (page: readonly CallLogEntry[]): void => {
    if (page.length === 0) {
      return;
    }
    api<{ items: { callId: string; crm: CrmLogStatus[] }[] }>('GET', crmLogUrl(page.map((e) => e.callId)))
      .then((r) => setCrm((old) => new Map([...old, ...r.items.map((i) => [i.callId, i.crm] as const)])))
      .catch(() => undefined);
  };

  const load = (before: number | null): void => {
    setState({ kind: 'loading' });
    api<{ items: CallLogEntry[] }>('GET', callsUrl({ q: query, missedOnly, before, limit: PAGE }))
      .then((r) => {
        loadCrm(r.items);
        setItems((old) => (before === null ? r.items : [...old, ...r.items]));
        setMore(r.items.length === PAGE);
        setState({ kind: 'ready' });
      })
      .catch((e: unknown) => setState({ kind: 'error', text: errorText(e) }));
  };
  useEffect(() => load(null), [query, missedOnly]);

  const replace = (entry: CallLogEntry): void =>
    setItems((old) => old.map((e) => (e.callId === entry.callId ? entry : e)));
  const now = Date.now();

  return (
    <div class="split">
      <section class="list-pane" aria-label="Call history">
        <div class="toolbar">
          <SearchBox
            testid="history-search"
            placeholder="Search name, number, notes…"
            label="Search calls"
            value={q}
            onInput={setQ}
          />
          <Checkbox testid="history-missed-only" checked={missedOnly} onChange={setMissedOnly}>
            Missed only
          </Checkbox>
        </div>
        {state.kind === 'error' && (
          <p class="error" role="alert">
            {state.text}
          </p>
        )}
        <ul class="rows">
          {items.map((e) => (
            <li key={e.callId} class="with-aside">
              <HistoryRow entry={e} selected={props.callId === e.callId} now={now} />
              <CrmLogLine callId={e.callId} statuses={crm.get(e.callId)} />
              <TraceLink callId={e.callId} />
            </li>
          ))}
        </ul>
        {state.kind === 'ready' && items.length === 0 && (
          <p class="muted" data-testid="history-empty">
            No calls {missedOnly ? 'missed ' : ''}
            {query ? 'match your search' : 'yet'}.
          </p>
        )}
        {state.kind === 'loading' && <p class="muted">Loading…</p>}
        {more && state.kind === 'ready' && (
          <button
            type="button"
            class="button secondary"
            data-testid="history-more"
            onClick={() => load(items.at(-1)?.startedAt ?? null)}
          >
            Load older calls
          </button>
        )}
      </section>
      {props.callId && (
        <CallDetail
          key={props.callId}
          callId={props.callId}
          known={items.find((e) => e.callId === props.callId)}
          onSaved={replace}
        />
      )}
    </div>
  );
}

/** Beside the row (not inside its link): the call's trace, "why did (no) card show?". */
function TraceLink(props: { callId: string; long?: boolean }) {
  return (
    <a
      class="aside-link muted"
      href={routeHash({ page: 'trace', callId: props.callId })}
      data-testid={props.long ? 'history-detail-trace' : 'history-trace-link'}
      title="What screenpop received for this call, and who got the card"
    >
      {props.long ? 'Why no card? See the call’s trace' : 'trace'}
    </a>
  );
}

function CallDetail(props: {
  callId: string;
  known: CallLogEntry | undefined;
  onSaved: (e: CallLogEntry) => void;
}) {
  const [entry, setEntry] = useState<CallLogEntry | null>(props.known ?? null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<CallLogEntry>('GET', callUrl(props.callId))
      .then(setEntry)
      .catch((e: unknown) => setError(errorText(e)));
  }, [props.callId]);

  if (!entry) {
    return <PendingPane error={error} />;
  }
  const talk = entry.answeredAt !== null ? formatDuration(entry.endedAt - entry.answeredAt) : null;
  return (
    <section class="detail-pane" data-testid="history-detail" aria-label="Call details">
      <a class="close-link" href={routeHash({ page: 'history', callId: null })} aria-label="Close details">
        ×
      </a>
      <h2 data-testid="history-detail-caller">{callTitle(entry)}</h2>
      <TraceLink callId={entry.callId} long />
      {callTitle(entry) !== callerNumber(entry) && <p class="mono">{callerNumber(entry)}</p>}
      <dl class="facts">
        {entry.contactName && entry.callerName && (
          <>
            <dt>Caller ID</dt>
            <dd>{entry.callerName}</dd>
          </>
        )}
        <dt>When</dt>
        <dd>{formatCallTime(entry.startedAt, Date.now())}</dd>
        <dt>Outcome</dt>
        <dd>
          {outcomeText(entry.outcome)}
          {entry.answeredByName ? ` by ${entry.answeredByName}` : ''}
          {talk ? ` · talked ${talk}` : ''}
        </dd>
        {entry.dialed && (
          <>
            <dt>Dialed</dt>
            <dd class="mono">{entry.dialed}</dd>
          </>
        )}
        {entry.notesBy && (
          <>
            <dt>Notes by</dt>
            <dd>
              {entry.notesBy}
              {entry.notesAt ? `, ${formatWhen(entry.notesAt, Date.now())}` : ''}
            </dd>
          </>
        )}
      </dl>
      <NotesEditor
        callId={entry.callId}
        notes={entry.notes}
        disposition={entry.disposition}
        canSave
        onSaved={(saved) => {
          setEntry(saved);
          props.onSaved(saved);
        }}
      />
      <NoteRevisions callId={entry.callId} savedAt={entry.notesAt} />
    </section>
  );
}
