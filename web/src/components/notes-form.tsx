// Notes and disposition after a call (PUT /api/calls/:id/notes); the caller's next card shows them.
import { useEffect, useState } from 'preact/hooks';
import type { CallLogEntry, NotesBody } from '../../../src/shared/api.ts';
import type { Card } from '../../../src/shared/messages.ts';
import { api, errorText } from '../api.ts';
import { DISPOSITIONS } from '../lib/dispositions.ts';
import { clearDraft, loadDraft, saveDraft, sessionDrafts } from '../lib/drafts.ts';
import { formatWhen } from '../lib/format.ts';
import { callNotesUrl } from '../lib/urls.ts';

type SaveState =
  | { readonly kind: 'clean' }
  | { readonly kind: 'dirty' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'saved'; readonly at: number }
  | { readonly kind: 'error'; readonly text: string };

/** On a live card: drafting is allowed while talking, saving once the call has ended (it is logged then). */
export function NotesForm(props: { card: Card }) {
  const { card } = props;
  return (
    <NotesEditor
      callId={card.callId}
      notes={card.notes?.text ?? null}
      disposition={card.notes?.disposition ?? null}
      canSave={card.phase === 'ended'}
    />
  );
}

export function NotesEditor(props: {
  callId: string;
  notes: string | null;
  disposition: string | null;
  canSave: boolean;
  onSaved?: (entry: CallLogEntry) => void;
}) {
  const [draft] = useState(() => loadDraft(sessionDrafts(), props.callId));
  const [text, setText] = useState(draft?.text ?? props.notes ?? '');
  const [disposition, setDisposition] = useState(draft?.disposition ?? props.disposition ?? '');
  const [state, setState] = useState<SaveState>(draft ? { kind: 'dirty' } : { kind: 'clean' });

  // Someone saved from another tab or the history page: follow unless we are mid-edit.
  useEffect(() => {
    if (state.kind !== 'dirty' && state.kind !== 'saving') {
      setText(props.notes ?? '');
      setDisposition(props.disposition ?? '');
    }
  }, [props.notes, props.disposition]);

  const save = async (): Promise<void> => {
    if (!props.canSave || state.kind === 'saving') {
      return;
    }
    setState({ kind: 'saving' });
    try {
      const body: NotesBody = { notes: text.trim() || null, disposition: disposition || null };
      const entry = await api<CallLogEntry>('PUT', callNotesUrl(props.callId), body);
      setState({ kind: 'saved', at: Date.now() });
      clearDraft(sessionDrafts(), props.callId);
      props.onSaved?.(entry);
    } catch (e) {
      setState({ kind: 'error', text: errorText(e) });
    }
  };
  const edited = (next: { text?: string; disposition?: string }): void => {
    setState({ kind: 'dirty' });
    saveDraft(sessionDrafts(), props.callId, { text, disposition, ...next });
  };

  return (
    <form
      class="notes"
      data-testid="notes-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label class="notes-label" for={`notes-${props.callId}`}>
        Notes
      </label>
      <textarea
        id={`notes-${props.callId}`}
        data-testid="notes-input"
        rows={3}
        value={text}
        placeholder="What was it about? What happens next?"
        onInput={(e) => {
          setText(e.currentTarget.value);
          edited({ text: e.currentTarget.value });
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void save();
          }
        }}
      />
      <div class="row">
        <select
          data-testid="disposition-select"
          aria-label="Disposition"
          value={disposition}
          onChange={(e) => {
            setDisposition(e.currentTarget.value);
            edited({ disposition: e.currentTarget.value });
          }}
        >
          <option value="">Disposition…</option>
          {DISPOSITIONS.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
          {disposition && !DISPOSITIONS.some((d) => d.value === disposition) && (
            <option value={disposition}>{disposition}</option>
          )}
        </select>
        <button
          type="submit"
          class="button"
          data-testid="notes-save"
          disabled={!props.canSave || state.kind === 'saving'}
          title="Save (Ctrl+Enter)"
        >
          {state.kind === 'saving' ? 'Saving…' : 'Save notes'}
        </button>
        <SaveStatus
          state={state}
          canSave={props.canSave}
          hasSaved={props.notes !== null || props.disposition !== null}
        />
      </div>
    </form>
  );
}

function SaveStatus(props: { state: SaveState; canSave: boolean; hasSaved: boolean }) {
  const { state } = props;
  if (!props.canSave) {
    return (
      <span class="muted" data-testid="notes-status" data-state="waiting">
        Save once the call ends
      </span>
    );
  }
  switch (state.kind) {
    case 'saved':
      return (
        <span class="saved" data-testid="notes-status" data-state="saved" role="status">
          ✓ Saved {formatWhen(state.at, Date.now())}
        </span>
      );
    case 'error':
      return (
        <span class="error" data-testid="notes-status" data-state="error" role="alert">
          {state.text}
        </span>
      );
    case 'dirty':
      return (
        <span class="muted" data-testid="notes-status" data-state="dirty">
          Unsaved changes
        </span>
      );
    case 'saving':
      return <span class="muted" data-testid="notes-status" data-state="saving" />;
    case 'clean':
      return props.hasSaved ? (
        <span class="saved" data-testid="notes-status" data-state="saved">
          ✓ Saved
        </span>
      ) : (
        <span class="muted" data-testid="notes-status" data-state="empty" />
      );
  }
}
