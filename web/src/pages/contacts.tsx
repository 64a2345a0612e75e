// Contacts: search the directory, open one to view or edit it, or create a new one.
import { useEffect, useState } from 'preact/hooks';
import type { Contact } from '../../../src/shared/api.ts';
import { api, errorText } from '../api.ts';
import { PendingPane, SearchBox } from '../components/page-parts.tsx';
import { plural } from '../lib/format.ts';
import { routeHash } from '../lib/route.ts';
import { contactsUrl, contactUrl } from '../lib/urls.ts';
import { useDebounced } from '../use-debounced.ts';
import { ContactEditor } from './contact-editor.tsx';

const PAGE = 50;

export function ContactsPage(props: { contactId: string | null; creating: boolean }) {
  const [q, setQ] = useState('');
  const query = useDebounced(q, 250);
  const [items, setItems] = useState<readonly Contact[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  const load = (offset: number): void => {
    api<{ items: Contact[]; total: number }>('GET', contactsUrl({ q: query, limit: PAGE, offset }))
      .then((r) => {
        setItems((old) => (offset === 0 ? r.items : [...old, ...r.items]));
        setTotal(r.total);
        setError(null);
      })
      .catch((e: unknown) => setError(errorText(e)));
  };
  useEffect(() => load(0), [query, reload]);

  const selected = props.contactId ? items.find((c) => c.id === props.contactId) : undefined;
  const onSaved = (c: Contact): void => {
    setReload((n) => n + 1);
    location.hash = routeHash({ page: 'contacts', contactId: c.id, creating: false });
  };

  return (
    <div class="split">
      <section class="list-pane" aria-label="Contacts">
        <div class="toolbar">
          <SearchBox
            testid="contacts-search"
            placeholder="Search name, company, number…"
            label="Search contacts"
            value={q}
            onInput={setQ}
          />
          <a class="button" href="#/contacts/new" data-testid="contacts-new">
            New contact
          </a>
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <ul class="rows">
          {items.map((c) => (
            <li key={c.id}>
              <a
                class={`row-link ${props.contactId === c.id ? 'selected' : ''}`}
                href={routeHash({ page: 'contacts', contactId: c.id, creating: false })}
                data-testid="contact-row"
                data-contact-id={c.id}
              >
                <span class="row-main">
                  <strong>{c.name}</strong>
                  {c.tier && <span class="badge small tier">{c.tier}</span>}
                </span>
                <span class="row-sub muted">{[c.company, c.phones[0]?.raw].filter(Boolean).join(' · ')}</span>
              </a>
            </li>
          ))}
        </ul>
        <div class="row">
          <span class="muted" data-testid="contacts-count">
            {items.length < total ? `Showing ${items.length} of ${total}` : plural(total, 'contact')}
          </span>
          {items.length < total && (
            <button
              type="button"
              class="button secondary"
              data-testid="contacts-more"
              onClick={() => load(items.length)}
            >
              Show more
            </button>
          )}
        </div>
      </section>
      {props.creating && <ContactEditor key="new" contact={null} onSaved={onSaved} />}
      {props.contactId && (
        <ContactLoader
          key={props.contactId}
          id={props.contactId}
          known={selected}
          onSaved={onSaved}
          onDeleted={() => {
            setReload((n) => n + 1);
            location.hash = routeHash({ page: 'contacts', contactId: null, creating: false });
          }}
        />
      )}
    </div>
  );
}

function ContactLoader(props: {
  id: string;
  known: Contact | undefined;
  onSaved: (c: Contact) => void;
  onDeleted: () => void;
}) {
  const [contact, setContact] = useState<Contact | null>(props.known ?? null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (props.known) {
      return;
    }
    api<Contact>('GET', contactUrl(props.id))
      .then(setContact)
      .catch((e: unknown) => setError(errorText(e)));
  }, [props.id]);
  if (!contact) {
    return <PendingPane error={error} />;
  }
  return <ContactEditor contact={contact} onSaved={props.onSaved} onDeleted={props.onDeleted} />;
}
