// Sign-in failures come back as /?login_error=<id> (server's error catalogue): words for the sign-in screen.
const MESSAGES: Readonly<Record<string, string>> = {
  login_expired: 'The sign-in attempt expired or was already used. Sign in again.',
  login_denied: 'GoTo sign-in was cancelled or refused. Sign in again.',
  login_failed: 'GoTo sign-in failed. Try again; if it keeps failing, ask your admin.',
};

/** The message for the login_error in a query string, or null when there is none. */
export function loginErrorMessage(search: string): string | null {
  const id = new URLSearchParams(search).get('login_error');
  if (id === null) {
    return null;
  }
  return MESSAGES[id] ?? 'Sign-in did not complete. Sign in again.';
}
