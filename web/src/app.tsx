// Root: find out who is signed in (GET /api/me), then show the sign-in screen or the app.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Me } from '../../src/shared/api.ts';
import { api, ApiFailure, errorText, onUnauthorized } from './api.ts';
import { SignIn } from './components/chrome.tsx';
import { loginErrorMessage } from './lib/login-error.ts';
import { Shell } from './shell.tsx';

type Session =
  | { readonly kind: 'loading' }
  | { readonly kind: 'signed-out'; readonly expired: boolean }
  | { readonly kind: 'error'; readonly text: string }
  | { readonly kind: 'ready'; readonly me: Me };

/** Read once: the server's redirect after a failed sign-in; the address bar is cleaned right away. */
function takeLoginError(): string | null {
  const message = loginErrorMessage(location.search);
  if (message !== null) {
    history.replaceState(null, '', location.pathname + location.hash);
  }
  return message;
}

export function App() {
  const [session, setSession] = useState<Session>({ kind: 'loading' });
  const [loginError] = useState(takeLoginError);

  const check = useCallback((): void => {
    api<Me>('GET', '/api/me')
      .then((me) =>
        setSession((s) =>
          s.kind === 'ready' && s.me.principal === me.principal ? s : { kind: 'ready', me },
        ),
      )
      .catch((e: unknown) => {
        if (e instanceof ApiFailure && e.status === 401) {
          setSession((s) => ({ kind: 'signed-out', expired: s.kind === 'ready' }));
        } else {
          // Keep showing the app if we were in it (the push indicator tells the story); else say why.
          setSession((s) => (s.kind === 'ready' ? s : { kind: 'error', text: errorText(e) }));
        }
      });
  }, []);

  useEffect(() => {
    check();
    return onUnauthorized(() => setSession((s) => ({ kind: 'signed-out', expired: s.kind === 'ready' })));
  }, [check]);

  switch (session.kind) {
    case 'loading':
      return <p class="loading muted">Loading…</p>;
    case 'signed-out':
      return <SignIn expired={session.expired} error={loginError} />;
    case 'error':
      return (
        <main class="sign-in">
          <div class="sign-in-box">
            <h1>screenpop</h1>
            <p class="error" role="alert">
              {session.text}
            </p>
            <button type="button" class="button" onClick={check}>
              Try again
            </button>
          </div>
        </main>
      );
    case 'ready':
      return (
        <Shell
          me={session.me}
          onMeChange={(me) => setSession({ kind: 'ready', me })}
          onSessionCheck={check}
        />
      );
  }
}
