// Typed calls to the JSON API (src/shared/api.ts): same origin, session cookie, errors as ApiFailure.
import type { ApiError } from '../../src/shared/api.ts';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ApiError['details'] = undefined,
  ) {
    super(message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever any request answers 401: the session is gone, show the sign-in screen. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function isApiError(v: unknown): v is ApiError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { error?: unknown }).error === 'string' &&
    typeof (v as { message?: unknown }).message === 'string'
  );
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, 'network', 'Cannot reach the screenpop server. Check your connection.');
  }
  if (res.status === 401) {
    unauthorizedListeners.forEach((l) => l());
  }
  if (res.status === 204) {
    return undefined as T;
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    if (isApiError(data)) {
      const suffix = data.correlationId ? ` (ref ${data.correlationId})` : '';
      throw new ApiFailure(res.status, data.error, data.message + suffix, data.details);
    }
    throw new ApiFailure(res.status, 'http_error', `The server answered ${res.status}.`);
  }
  return data as T;
}

/** A message to show for any thrown value. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : 'Something went wrong.';
}
