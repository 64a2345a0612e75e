// Supervisors' view of the audit log (under Settings): the latest entries and the CSV export.
import { useEffect, useState } from 'preact/hooks';
import type { AuditAction, AuditEntry } from '../../../src/shared/api.ts';
import { api, errorText } from '../api.ts';
import { formatWhen } from '../lib/format.ts';

const SHOWN = 100;

const ACTION_TEXT: Record<AuditAction, string> = {
  'card.viewed': 'was shown the card of',
  'contact.created': 'created contact',
  'contact.updated': 'changed contact',
  'contact.deleted': 'deleted contact',
  'pin.set': 'pinned',
  'pin.cleared': 'removed the pin of',
  'notes.saved': 'saved notes on call',
};

export function AuditLog() {
  const [items, setItems] = useState<readonly AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: AuditEntry[] }>('GET', `/api/audit?limit=${SHOWN}`)
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setError(errorText(e)));
  }, []);
  const now = Date.now();
  return (
    <section class="page" aria-label="Audit log" data-testid="audit-log">
      <h2>Audit log</h2>
      <p class="muted">
        Who was shown which caller’s card, and who changed contacts, pins and notes.{' '}
        <a href="/api/audit.csv?limit=10000" download data-testid="audit-csv">
          Download as CSV
        </a>
      </p>
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null && error === null && <p class="muted">Loading…</p>}
      {items?.length === 0 && <p class="muted">Nothing recorded yet.</p>}
      <ul class="rows">
        {items?.map((e) => (
          <li key={e.id} class="row-sub" data-testid="audit-entry">
            {formatWhen(e.at, now)} · {e.actor} {ACTION_TEXT[e.action]} {e.targetId}
            {e.detail !== null && e.detail !== e.targetId ? ` (${e.detail})` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
