// The signed-in app: header with navigation and connection state, the routed page, keyboard shortcuts.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Me } from '../../src/shared/api.ts';
import { AuditLog } from './components/audit-log.tsx';
import { ConnectionIndicator, HelpOverlay } from './components/chrome.tsx';
import { newestNotesCard, orderCards } from './lib/cards.ts';
import { notificationTitle } from './lib/notify-claim.ts';
import { parseRoute, pageHash } from './lib/route.ts';
import type { Page } from './lib/route.ts';
import { shortcutFor } from './lib/shortcuts.ts';
import type { ShortcutAction } from './lib/shortcuts.ts';
import { ContactsPage } from './pages/contacts.tsx';
import { HistoryPage } from './pages/history.tsx';
import { LivePage } from './pages/live.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { TracePage } from './pages/trace.tsx';
import { IntegrationsHealth } from './components/integrations-health.tsx';
import { useLiveCards } from './use-live-cards.ts';

const NAV: readonly { page: Page; label: string; key: string }[] = [
  { page: 'live', label: 'Live', key: 'l' },
  { page: 'history', label: 'History', key: 'h' },
  { page: 'trace', label: 'Why no card?', key: 't' },
  { page: 'contacts', label: 'Contacts', key: 'c' },
  { page: 'settings', label: 'Settings', key: 's' },
];

/**
 * Focuses an element once the page that holds it has rendered (after a route change), and brings it
 * into view. Polls with timers rather than animation frames: a background tab gets no frames.
 */
function focusSoon(selector: string, tries = 20): void {
  const el = document.querySelector<HTMLElement>(selector);
  if (el) {
    el.focus();
    el.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    return;
  }
  if (tries > 0) {
    setTimeout(() => focusSoon(selector, tries - 1), 50);
  }
}

export function Shell(props: { me: Me; onMeChange: (me: Me) => void; onSessionCheck: () => void }) {
  const { me } = props;
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  const [help, setHelp] = useState(false);
  // Ended cards the agent cleared from the live page in this tab (they stay in the call history).
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const myLineIds = useMemo(() => new Set(me.lines.map((l) => l.id)), [me]);
  const go = (page: Page): void => {
    location.hash = pageHash(page);
    setRoute(parseRoute(location.hash));
  };
  const { cards, status } = useLiveCards({
    notify: me.desktopNotifications,
    onNotificationClick: (callId) => {
      go('live');
      focusSoon(`[data-testid="card-${CSS.escape(callId)}"]`);
    },
    onDisconnect: props.onSessionCheck,
  });
  const ordered = orderCards(cards.values());
  const ringing = ordered.filter((c) => c.phase === 'ringing');

  useEffect(() => {
    const onHash = (): void => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.title = ringing.length > 0 ? `(${ringing.length}) Ringing — screenpop` : 'screenpop';
  }, [ringing.length]);

  const act = (action: ShortcutAction): void => {
    switch (action.kind) {
      case 'go':
        go(action.page);
        return;
      case 'help':
        setHelp((h) => !h);
        return;
      case 'close':
        if (help) {
          setHelp(false);
        } else {
          (document.activeElement as HTMLElement | null)?.blur();
        }
        return;
      case 'notes': {
        // The focused card's notes (after j/k), else the newest answered or ended call's.
        const focused = document.activeElement?.closest('article.card')?.querySelector('textarea');
        if (focused) {
          focused.focus();
          return;
        }
        const card = newestNotesCard(ordered.filter((c) => !dismissed.has(c.callId)));
        if (card) {
          go('live');
          focusSoon(`#notes-${CSS.escape(card.callId)}`);
        }
        return;
      }
      case 'search':
        focusSoon('[data-search]');
        return;
      case 'next-card':
      case 'prev-card':
        moveCardFocus(action.kind === 'next-card' ? 1 : -1);
        return;
    }
  };

  // One listener for the app's life, calling the latest `act`: re-subscribing after each render would leave
  // a gap where a key (e.g. Escape right after ?) reaches a handler that still sees the old state.
  const actRef = useRef(act);
  actRef.current = act;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      const inField = !!t && (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable);
      const action = shortcutFor({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        inField,
      });
      if (action) {
        e.preventDefault();
        actRef.current(action);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div class="app">
      <header class="top">
        <a class="brand" href="#/live">
          screenpop
        </a>
        <nav class="nav" aria-label="Main">
          {NAV.map((n) => (
            <a
              key={n.page}
              href={pageHash(n.page)}
              data-testid={`nav-${n.page}`}
              aria-current={route.page === n.page ? 'page' : undefined}
              title={`${n.label} (${n.key})`}
            >
              {n.label}
              {n.page === 'live' && ringing.length > 0 && <span class="count">{ringing.length}</span>}
            </a>
          ))}
        </nav>
        <div class="top-right">
          <ConnectionIndicator status={status} />
          <span class="who muted" data-testid="me-name">
            {me.displayName ?? me.principal}
          </span>
          <button
            type="button"
            class="icon-button"
            data-testid="help-toggle"
            aria-label="Keyboard shortcuts"
            onClick={() => setHelp(true)}
          >
            ?
          </button>
          <button type="button" class="link-button" data-testid="sign-out" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <div class="sr-only" aria-live="assertive" data-testid="announcer">
        {ringing[0] ? `Incoming call: ${notificationTitle(ringing[0])}` : ''}
      </div>
      <main class="page">
        {route.page === 'live' && (
          <LivePage
            cards={cards}
            me={me}
            myLineIds={myLineIds}
            dismissed={dismissed}
            onDismiss={(ids) => setDismissed((d) => new Set([...d, ...ids]))}
          />
        )}
        {route.page === 'history' && <HistoryPage callId={route.callId} />}
        {route.page === 'trace' && <TracePage callId={route.callId} me={me} />}
        {route.page === 'contacts' && <ContactsPage contactId={route.contactId} creating={route.creating} />}
        {route.page === 'settings' && <SettingsPage me={me} onMeChange={props.onMeChange} />}
        {route.page === 'settings' && me.role === 'supervisor' && <IntegrationsHealth />}
        {route.page === 'settings' && me.role === 'supervisor' && <AuditLog />}
      </main>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}

function signOut(): void {
  void fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' })
    .catch(() => undefined)
    .then(() => {
      location.hash = '';
      location.reload();
    });
}

function moveCardFocus(step: 1 | -1): void {
  const cards = [...document.querySelectorAll<HTMLElement>('article.card')];
  if (cards.length === 0) {
    return;
  }
  const at = cards.findIndex((c) => c.contains(document.activeElement));
  const next = cards[at === -1 ? 0 : Math.min(cards.length - 1, Math.max(0, at + step))];
  next?.focus();
  next?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}
