// Hash routes of the app ("#/history/<callId>"): parse and build, so links and the back button just work.
export type Page = 'live' | 'history' | 'trace' | 'contacts' | 'settings';

export type Route =
  | { readonly page: 'live' }
  | { readonly page: 'history'; readonly callId: string | null }
  /** "Why no card?": search by number or call id, and one call's trace. */
  | { readonly page: 'trace'; readonly callId: string | null }
  | { readonly page: 'contacts'; readonly contactId: string | null; readonly creating: boolean }
  | { readonly page: 'settings' };

export function parseRoute(hash: string): Route {
  const [page, rawId] = hash.replace(/^#\/?/, '').split('/');
  const id = rawId ? safeDecode(rawId) : null;
  switch (page) {
    case 'history':
      return { page: 'history', callId: id };
    case 'trace':
      return { page: 'trace', callId: id };
    case 'contacts':
      return id === 'new'
        ? { page: 'contacts', contactId: null, creating: true }
        : { page: 'contacts', contactId: id, creating: false };
    case 'settings':
      return { page: 'settings' };
    default:
      return { page: 'live' };
  }
}

export function routeHash(route: Route): string {
  switch (route.page) {
    case 'live':
      return '#/live';
    case 'history':
      return route.callId ? `#/history/${encodeURIComponent(route.callId)}` : '#/history';
    case 'trace':
      return route.callId ? `#/trace/${encodeURIComponent(route.callId)}` : '#/trace';
    case 'contacts':
      if (route.creating) {
        return '#/contacts/new';
      }
      return route.contactId ? `#/contacts/${encodeURIComponent(route.contactId)}` : '#/contacts';
    case 'settings':
      return '#/settings';
  }
}

export const pageHash = (page: Page): string =>
  routeHash(
    page === 'history' || page === 'trace'
      ? { page, callId: null }
      : page === 'contacts'
        ? { page, contactId: null, creating: false }
        : { page },
  );

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
