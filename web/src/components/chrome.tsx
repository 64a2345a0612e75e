// Small pieces of the app frame: sign-in screen, connection indicator, keyboard help overlay.
import type { ConnectionStatus } from '../lib/push-client.ts';
import { SHORTCUTS } from '../lib/shortcuts.ts';

export function SignIn(props: { expired: boolean; error: string | null }) {
  return (
    <main class="sign-in">
      <div class="sign-in-box">
        <h1>screenpop</h1>
        <p>See who is calling before you pick up.</p>
        {props.expired && (
          <p class="muted" role="status">
            Your session ended. Sign in again to keep receiving calls.
          </p>
        )}
        {props.error && (
          <p class="error" role="alert" data-testid="sign-in-error">
            {props.error}
          </p>
        )}
        <a class="button big" href="/auth/login" data-testid="sign-in">
          Sign in with GoTo
        </a>
      </div>
    </main>
  );
}

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  offline: 'Offline — reconnecting',
};

export function ConnectionIndicator(props: { status: ConnectionStatus }) {
  return (
    <span
      class={`connection ${props.status}`}
      data-testid="connection-status"
      data-state={props.status}
      role="status"
      title={
        props.status === 'live' ? 'Calls arrive in real time' : 'Calls may be delayed until we reconnect'
      }
    >
      <span class="dot" aria-hidden="true" />
      {STATUS_TEXT[props.status]}
    </span>
  );
}

export function HelpOverlay(props: { onClose: () => void }) {
  return (
    <div class="overlay" onClick={props.onClose}>
      <div
        class="help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        data-testid="help-overlay"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="help-title">Keyboard shortcuts</h2>
        <dl>
          {SHORTCUTS.map((s) => (
            <div key={s.key} class="shortcut">
              <dt>
                <kbd>{s.key === 'Escape' ? 'Esc' : s.key}</kbd>
              </dt>
              <dd>{s.label}</dd>
            </div>
          ))}
          <div class="shortcut">
            <dt>
              <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
            </dt>
            <dd>Save notes (in the notes field)</dd>
          </div>
          <div class="shortcut">
            <dt>
              <kbd>↑</kbd> <kbd>↓</kbd>
            </dt>
            <dd>Move between contacts in a match picker</dd>
          </div>
        </dl>
        <button type="button" class="button" onClick={props.onClose} data-testid="help-close" autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
