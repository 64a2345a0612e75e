// Keyboard shortcuts: one table drives both the key handling and the help overlay.
import type { Page } from './route.ts';

export type ShortcutAction =
  | { readonly kind: 'go'; readonly page: Page }
  | { readonly kind: 'notes' }
  | { readonly kind: 'search' }
  | { readonly kind: 'next-card' }
  | { readonly kind: 'prev-card' }
  | { readonly kind: 'help' }
  | { readonly kind: 'close' };

export const SHORTCUTS: readonly {
  readonly key: string;
  readonly label: string;
  readonly action: ShortcutAction;
}[] = [
  { key: 'l', label: 'Live calls', action: { kind: 'go', page: 'live' } },
  { key: 'h', label: 'Call history', action: { kind: 'go', page: 'history' } },
  { key: 't', label: 'Why no card? (call traces)', action: { kind: 'go', page: 'trace' } },
  { key: 'c', label: 'Contacts', action: { kind: 'go', page: 'contacts' } },
  { key: 's', label: 'Settings', action: { kind: 'go', page: 'settings' } },
  {
    key: 'n',
    label: 'Notes: of the focused card, else of the newest answered or ended call',
    action: { kind: 'notes' },
  },
  { key: 'j', label: 'Next card', action: { kind: 'next-card' } },
  { key: 'k', label: 'Previous card', action: { kind: 'prev-card' } },
  { key: '/', label: 'Search (history, contacts)', action: { kind: 'search' } },
  { key: '?', label: 'Show or hide this help', action: { kind: 'help' } },
  { key: 'Escape', label: 'Close help, leave a text field', action: { kind: 'close' } },
];

export interface KeyInput {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** Focus is in a text field, select or contenteditable: letters belong to the field. */
  readonly inField: boolean;
}

export function shortcutFor(e: KeyInput): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) {
    return null;
  }
  if (e.key === 'Escape') {
    return { kind: 'close' };
  }
  if (e.inField) {
    return null;
  }
  return SHORTCUTS.find((s) => s.key === e.key)?.action ?? null;
}
