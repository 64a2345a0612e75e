// Earlier saves of a call's notes (every save is kept, with who wrote it and when), under the notes editor.
import { useEffect, useState } from 'preact/hooks';
import type { NoteRevision } from '../../../src/shared/api.ts';
import { api } from '../api.ts';
import { formatWhen } from '../lib/format.ts';

/** @param savedAt the call's notesAt: a new save reloads the list */
export function NoteRevisions(props: { callId: string; savedAt: number | null }) {
  const [items, setItems] = useState<readonly NoteRevision[]>([]);
  useEffect(() => {
    api<{ items: NoteRevision[] }>('GET', `/api/calls/${encodeURIComponent(props.callId)}/notes/revisions`)
      .then((r) => setItems(r.items))
      .catch(() => setItems([]));
  }, [props.callId, props.savedAt]);
  // The newest save is what the editor shows; list the ones before it.
  const earlier = items.slice(0, -1).reverse();
  if (earlier.length === 0) {
    return null;
  }
  const now = Date.now();
  return (
    <details class="note-revisions" data-testid="note-revisions">
      <summary>Earlier notes ({earlier.length})</summary>
      <ul class="rows">
        {earlier.map((r) => (
          <li key={`${r.at}-${r.by}`} class="row-sub" data-testid="note-revision">
            {formatWhen(r.at, now)} · {r.by}: {r.notes ?? '(cleared)'}
            {r.disposition !== null ? ` [${r.disposition}]` : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}
