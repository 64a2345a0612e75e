// Request parsing for the data routes: a zod failure becomes one 400 ApiError naming every bad field.
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { ApiError } from '../../../shared/api.ts';
import { errorBody } from '../../errors.ts';

/** Thrown by parse(); data-routes.ts turns it into the response. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.message);
  }
}

/** Which part of the request failed: ids of the one error catalogue (src/server/errors.ts). */
export type InvalidPart = 'invalid_body' | 'invalid_query' | 'invalid_path';

export function parse<S extends z.ZodType>(schema: S, value: unknown, part: InvalidPart): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new RequestError(400, {
      ...errorBody(part),
      details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}

export function notFound(what: string): RequestError {
  return new RequestError(404, { error: 'not_found', message: `No such ${what}.` });
}

export function sendRequestError(reply: FastifyReply, error: RequestError): FastifyReply {
  return reply.status(error.status).send(error.body);
}
