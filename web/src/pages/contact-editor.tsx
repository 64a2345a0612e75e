// View and edit one contact (PUT /api/contacts/:id), or create one (POST /api/contacts).
import { useState } from 'preact/hooks';
import type { Contact } from '../../../src/shared/api.ts';
import { api, ApiFailure, errorText } from '../api.ts';
import { contactInput, emptyFields, fieldsFromContact } from '../lib/contact-form.ts';
import type { ContactFields } from '../lib/contact-form.ts';
import { formatUpcoming } from '../lib/format.ts';
import { routeHash } from '../lib/route.ts';
import { contactUrl, safeHttpUrl } from '../lib/urls.ts';

const FIELDS: readonly {
  key: keyof ContactFields;
  label: string;
  multiline?: boolean;
  mode?: 'email' | 'url';
}[] = [
  { key: 'name', label: 'Name' },
  { key: 'company', label: 'Company' },
  { key: 'email', label: 'Email', mode: 'email' },
  { key: 'tier', label: 'Tier' },
  { key: 'phones', label: 'Phones (one per line, "label: number")', multiline: true },
  { key: 'tags', label: 'Tags (comma-separated)' },
  { key: 'recordUrl', label: 'CRM record URL', mode: 'url' },
  { key: 'notes', label: 'Notes', multiline: true },
];

export function ContactEditor(props: {
  contact: Contact | null;
  onSaved: (c: Contact) => void;
  onDeleted?: () => void;
}) {
  const { contact } = props;
  const [fields, setFields] = useState<ContactFields>(() =>
    contact ? fieldsFromContact(contact) : emptyFields(),
  );
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; text: string }>(
    {
      kind: 'idle',
    },
  );
  const set = (key: keyof ContactFields, value: string): void => {
    setFields((f) => ({ ...f, [key]: value }));
    setState({ kind: 'idle' });
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setState({ kind: 'saving' });
    try {
      const body = contactInput(fields, contact ?? undefined);
      const saved = contact
        ? await api<Contact>('PUT', contactUrl(contact.id), body)
        : await api<Contact>('POST', '/api/contacts', body);
      setState({ kind: 'saved' });
      props.onSaved(saved);
    } catch (err) {
      const details =
        err instanceof ApiFailure && err.details ? err.details.map((d) => `${d.path}: ${d.message}`) : [];
      setState({ kind: 'error', text: [errorText(err), ...details].join(' — ') });
    }
  };

  const record = safeHttpUrl(contact?.recordUrl);
  const now = Date.now();
  return (
    <section
      class="detail-pane"
      data-testid="contact-detail"
      aria-label={contact ? contact.name : 'New contact'}
    >
      <a
        class="close-link"
        href={routeHash({ page: 'contacts', contactId: null, creating: false })}
        aria-label="Close"
      >
        ×
      </a>
      <h2>{contact ? contact.name : 'New contact'}</h2>
      {record && (
        <a href={record} target="_blank" rel="noopener noreferrer">
          Open in CRM
        </a>
      )}
      <form class="stack" onSubmit={(e) => void submit(e)}>
        {FIELDS.map((f) => (
          <label key={f.key}>
            {f.label}
            {f.multiline ? (
              <textarea
                rows={3}
                value={fields[f.key]}
                data-testid={`contact-${f.key}`}
                onInput={(e) => set(f.key, e.currentTarget.value)}
              />
            ) : (
              <input
                inputMode={f.mode ?? 'text'}
                required={f.key === 'name'}
                value={fields[f.key]}
                data-testid={`contact-${f.key}`}
                onInput={(e) => set(f.key, e.currentTarget.value)}
              />
            )}
          </label>
        ))}
        <div class="row">
          <button type="submit" class="button" data-testid="contact-save" disabled={state.kind === 'saving'}>
            {state.kind === 'saving' ? 'Saving…' : contact ? 'Save changes' : 'Create contact'}
          </button>
          {contact && props.onDeleted && <DeleteButton contact={contact} onDeleted={props.onDeleted} />}
          {state.kind === 'saved' && (
            <span class="saved" role="status" data-testid="contact-status">
              ✓ Saved
            </span>
          )}
          {state.kind === 'error' && (
            <span class="error" role="alert" data-testid="contact-status">
              {state.text}
            </span>
          )}
        </div>
      </form>
      {contact && contact.tickets.length > 0 && (
        <section class="detail">
          <h3>Tickets</h3>
          <ul>
            {contact.tickets.map((t) => {
              const url = safeHttpUrl(t.url);
              return (
                <li key={t.id}>
                  {url ? (
                    <a href={url} target="_blank" rel="noopener noreferrer">
                      {t.id} · {t.title}
                    </a>
                  ) : (
                    `${t.id} · ${t.title}`
                  )}{' '}
                  <span class="badge small">{t.status}</span>
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {contact && contact.appointments.length > 0 && (
        <section class="detail">
          <h3>Appointments</h3>
          <ul>
            {contact.appointments.map((a) => (
              <li key={`${a.at}-${a.title}`}>
                <span class="when">{formatUpcoming(a.at, now)}</span> {a.title}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

/** Two steps, no browser dialog: the first click asks, the second deletes. */
function DeleteButton(props: { contact: Contact; onDeleted: () => void }) {
  const [armed, setArmed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async (): Promise<void> => {
    try {
      await api<void>('DELETE', contactUrl(props.contact.id));
      props.onDeleted();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <>
      <button
        type="button"
        class={`button secondary${armed ? ' danger' : ''}`}
        data-testid="contact-delete"
        onClick={() => (armed ? void remove() : setArmed(true))}
        onBlur={() => setArmed(false)}
      >
        {armed ? `Really delete ${props.contact.name}?` : 'Delete'}
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
