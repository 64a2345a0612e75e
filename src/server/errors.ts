// The error catalogue: every error the API returns, with its status, stable id and a message a user can act on.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import type { ApiError } from '../shared/api.ts';

const catalogue = {
  unauthenticated: { status: 401, message: 'Sign in first.' },
  forbidden_origin: { status: 403, message: 'This request came from another site and was refused.' },
  invalid_body: { status: 400, message: 'The request body is not valid; see details.' },
  invalid_query: { status: 400, message: 'The query string is not valid; see details.' },
  invalid_path: { status: 400, message: 'The address is not valid; see details.' },
  bad_request: { status: 400, message: 'The request could not be read.' },
  not_found: { status: 404, message: 'Nothing here.' },
  call_not_found: { status: 404, message: 'No such call, or it is not one of yours.' },
  not_your_call: {
    status: 403,
    message: 'Only the agents who took part in this call, or a supervisor, can change its notes.',
  },
  crm_retry_not_yours: {
    status: 403,
    message: 'Only the agents who took part in this call, or a supervisor, can log it to the CRM again.',
  },
  crm_provider_unknown: { status: 404, message: 'No configured CRM logs calls under that name.' },
  supervisors_only: { status: 403, message: 'Only supervisors can read this.' },
  line_not_yours: { status: 400, message: 'Pop lines must be among your own GoTo lines.' },
  login_expired: { status: 400, message: 'The sign-in attempt expired or was already used. Sign in again.' },
  login_denied: { status: 403, message: 'GoTo sign-in was cancelled or refused. Sign in again.' },
  login_failed: {
    status: 502,
    message: 'GoTo sign-in failed. Try again; if it keeps failing, ask your admin.',
  },
  metrics_token_required: {
    status: 401,
    message: 'Send the metrics token: Authorization: Bearer <SCREENPOP_METRICS_TOKEN>.',
  },
  too_many_sockets: { status: 429, message: 'Too many open screenpop tabs for this sign-in. Close some.' },
  rate_limited: { status: 429, message: 'Too many requests. Wait a minute and try again.' },
  internal_error: { status: 500, message: 'Something went wrong on our side. Quote the correlation id.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorId = keyof typeof catalogue;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly id: ErrorId,
    readonly details?: ApiError['details'],
    message?: string,
  ) {
    super(message ?? catalogue[id].message);
    this.status = catalogue[id].status;
  }
}

export function errorBody(id: ErrorId, extra: Partial<ApiError> = {}): ApiError {
  return { error: id, message: catalogue[id].message, ...extra };
}

export function statusOf(id: ErrorId): number {
  return catalogue[id].status;
}

function zodDetails(error: ZodError): ApiError['details'] {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

/** Maps every thrown error to an ApiError response in one place. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof AppError) {
      return reply
        .status(error.status)
        .send({ error: error.id, message: error.message, details: error.details });
    }
    if (error instanceof ZodError) {
      return reply.status(400).send(errorBody('invalid_body', { details: zodDetails(error) }));
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody('internal_error', { correlationId: String(request.id) }));
  });
}
