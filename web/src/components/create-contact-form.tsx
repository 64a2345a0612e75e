// Unknown caller: save them as a contact, prefilled with the number, so the next call pops with a name.
import type { Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Contact, ContactInput, PinBody } from '../../../src/shared/api.ts';
import type { Card } from '../../../src/shared/messages.ts';
import { api, errorText } from '../api.ts';

export function CreateContactForm(props: { card: Card }) {
  const { card } = props;
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(card.caller.name ?? '');
  const [company, setCompany] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState(card.caller.e164 ?? card.caller.display);
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; text: string }>(
    {
      kind: 'idle',
    },
  );
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) {
      nameRef.current?.focus();
    }
  }, [open]);

  if (!open) {
    return (
      <button
        type="button"
        class="button secondary"
        data-testid="create-contact"
        onClick={() => setOpen(true)}
      >
        Create contact
      </button>
    );
  }
  if (state.kind === 'saved') {
    return (
      <p class="saved" data-testid="create-contact-status" role="status">
        Saved {name} as a contact.
      </p>
    );
  }

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setState({ kind: 'saving' });
    try {
      const input: ContactInput = {
        name: name.trim(),
        company: company.trim() || null,
        email: email.trim() || null,
        phones: [{ raw: phone.trim(), label: null }],
      };
      const contact = await api<Contact>('POST', '/api/contacts', input);
      const e164 = contact.phones[0]?.e164 ?? card.caller.e164;
      if (e164) {
        // Pin it so this very card updates (and the next call matches without ambiguity).
        const pin: PinBody = { e164, contactId: contact.id };
        await api<void>('POST', '/api/pins', pin).catch(() => undefined);
      }
      setState({ kind: 'saved' });
    } catch (err) {
      setState({ kind: 'error', text: errorText(err) });
    }
  };

  return (
    <form class="inline-form" data-testid="create-contact-form" onSubmit={(e) => void submit(e)}>
      <h3>New contact</h3>
      <TextField label="Name" field="name" required value={name} onInput={setName} inputRef={nameRef} />
      <TextField label="Phone" field="phone" value={phone} onInput={setPhone} />
      <TextField label="Company" field="company" value={company} onInput={setCompany} />
      <TextField label="Email" field="email" type="email" value={email} onInput={setEmail} />
      <div class="row">
        <button
          type="submit"
          class="button"
          data-testid="create-contact-save"
          disabled={state.kind === 'saving' || !name.trim()}
        >
          {state.kind === 'saving' ? 'Saving…' : 'Save contact'}
        </button>
        <button type="button" class="button secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {state.kind === 'error' && (
        <p class="error" role="alert">
          {state.text}
        </p>
      )}
    </form>
  );
}

/** One labelled input of the form; its test id is `create-contact-<field>`. */
function TextField(props: {
  label: string;
  field: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'email';
  required?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}) {
  // Spread, not `type={props.type}`: preact's input types take no "email or unset" union.
  const type = props.type === 'email' ? { type: props.type } : {};
  return (
    <label>
      {props.label}
      <input
        {...type}
        required={props.required}
        value={props.value}
        data-testid={`create-contact-${props.field}`}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        ref={props.inputRef}
      />
    </label>
  );
}
