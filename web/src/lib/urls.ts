// URL building for the JSON API and the safety check for links that come from data (tickets, CRM, templates).

/** The URL when it is absolute http(s), else null: no javascript:, data: or relative surprises in an href. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) {
    return null;
  }
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function withQuery(path: string, params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') {
      q.set(k, String(v));
    }
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export interface CallsQuery {
  readonly q?: string;
  readonly missedOnly?: boolean;
  readonly before?: number | null;
  readonly limit?: number;
}

export function callsUrl(query: CallsQuery): string {
  return withQuery('/api/calls', {
    q: query.q?.trim(),
    outcome: query.missedOnly ? 'missed' : null,
    before: query.before,
    limit: query.limit,
  });
}

export function contactsUrl(query: { q?: string; limit?: number; offset?: number }): string {
  return withQuery('/api/contacts', { q: query.q?.trim(), limit: query.limit, offset: query.offset || null });
}

export const callUrl = (callId: string): string => `/api/calls/${encodeURIComponent(callId)}`;
export const callNotesUrl = (callId: string): string => `${callUrl(callId)}/notes`;
export const contactUrl = (id: string): string => `/api/contacts/${encodeURIComponent(id)}`;
