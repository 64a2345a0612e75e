// GoTo REST errors (goto-protocol.md §9.2), parsed leniently into one typed error.
export interface ErrorConstraint {
  readonly field: string | null;
  readonly constraint: string | null;
}

export class GoToApiError extends Error {
  constructor(
    readonly method: string,
    /** Path only (no query, no host): channel URLs and ids stay out of messages and logs. */
    readonly path: string,
    readonly status: number,
    /** "BAD_REQUEST", "RTC-NOTIFICATION-CHANNEL-NOT-FOUND", "AUTHN_INVALID_TOKEN"...; null when the body had none. */
    readonly errorCode: string | null,
    readonly reference: string | null,
    readonly constraints: readonly ErrorConstraint[],
    detail: string,
  ) {
    super(
      `GoTo ${method} ${path} → ${status}${errorCode === null ? '' : ` ${errorCode}`}${detail ? `: ${detail}` : ''}`,
    );
    this.name = 'GoToApiError';
  }

  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/**
 * Channel ids and Realtime session ids are bearer capabilities (the socket URL is built from them, §5.5, §4.1):
 * they never go into an error message or a log line.
 */
export function redactPath(path: string): string {
  return path
    .replace(/(\/channels\/[^/]+\/)[^/]+/, '$1…')
    .replace(/(\/session\/)[^/]+/, '$1…')
    .replace(/(\/ws\/v2\/)[^/]+/, '$1…');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GoTo echoes ids in messages ("Notification channel does not exist <id>"): long opaque strings are cut out. */
export function redactText(text: string): string {
  return text.replace(/[A-Za-z0-9_.-]{20,}/g, (m) => (UUID.test(m) ? m : '…'));
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Reads `constraints` (call-events) or `constraintViolations` (channels); anything else is ignored. */
function constraintsOf(body: Record<string, unknown>): ErrorConstraint[] {
  const list = body['constraints'] ?? body['constraintViolations'];
  if (!Array.isArray(list)) {
    return [];
  }
  return list.map((item: unknown) => {
    const c = (item ?? {}) as Record<string, unknown>;
    return { field: str(c['field']), constraint: str(c['constraint']) };
  });
}

export function parseApiError(method: string, path: string, status: number, text: string): GoToApiError {
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep a short excerpt as the detail
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return new GoToApiError(method, path, status, null, null, [], redactText(text.slice(0, 200)));
  }
  const record = body as Record<string, unknown>;
  const constraints = constraintsOf(record);
  // The 400 message of call-events is boilerplate; the constraints say what was wrong (§6.2).
  const detail = [
    str(record['message']) ?? str(record['error_description']) ?? str(record['error']) ?? '',
    ...constraints.map((c) => `${c.field ?? '?'} ${c.constraint ?? '?'}`),
  ]
    .filter((s) => s !== '')
    .join('; ');
  return new GoToApiError(
    method,
    path,
    status,
    str(record['errorCode']),
    str(record['reference']),
    constraints,
    redactText(detail),
  );
}

/** Failures that may pass by themselves: GoTo 429 / 5xx / unreachable, or a socket that would not open. */
export function isTransient(error: unknown): boolean {
  if (error instanceof GoToApiError) {
    return error.retryable;
  }
  return error instanceof Error && (error.name === 'SocketOpenError' || error instanceof TypeError);
}
