// Pieces the pages share: the list's search box, a labelled checkbox, a detail pane still loading.
import type { ComponentChildren } from 'preact';

/** The search field of a list page's toolbar; `/` focuses it (it carries `data-search`). */
export function SearchBox(props: {
  testid: string;
  placeholder: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
}) {
  return (
    <input
      type="search"
      data-search
      data-testid={props.testid}
      placeholder={props.placeholder}
      aria-label={props.label}
      value={props.value}
      onInput={(e) => props.onInput(e.currentTarget.value)}
    />
  );
}

/** A checkbox with its label text after it. */
export function Checkbox(props: {
  testid: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
  children: ComponentChildren;
}) {
  return (
    <label class="check">
      <input
        type="checkbox"
        data-testid={props.testid}
        disabled={props.disabled}
        checked={props.checked}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      {props.children}
    </label>
  );
}

/** The detail pane before its record has arrived: "Loading…", or why it could not load. */
export function PendingPane(props: { error: string | null }) {
  return (
    <section class="detail-pane">
      {props.error ? <p class="error">{props.error}</p> : <p class="muted">Loading…</p>}
    </section>
  );
}
