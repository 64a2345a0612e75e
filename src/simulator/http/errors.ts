// Error bodies the simulator sends: GoTo REST errors (goto-protocol.md §9.2, §11 #13) and OAuth errors (RFC 6749 §5.2).
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';

const REFERENCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** An opaque error reference like the fixtures' `mvvtep08xr4saxifwsdlyyji` (24 lowercase letters and digits). */
export function errorReference(): string {
  return Array.from(randomBytes(24), (byte) => REFERENCE_ALPHABET[byte % REFERENCE_ALPHABET.length]).join('');
}

/** `{reference, errorCode, message}` plus `constraints` (call-events) or `constraintViolations` (channels). */
export function sendGoToError(
  reply: FastifyReply,
  status: number,
  errorCode: string,
  message: string,
  extra?: { constraints?: readonly object[]; constraintViolations?: readonly object[] },
): FastifyReply {
  const body: Record<string, unknown> = { reference: errorReference(), errorCode, message };
  if (extra?.constraints !== undefined) {
    body['constraints'] = extra.constraints;
  }
  if (extra?.constraintViolations !== undefined) {
    body['constraintViolations'] = extra.constraintViolations;
  }
  return reply.code(status).type('application/json').send(body);
}

/** The OAuth error codes the token endpoint answers with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/** RFC 6749 token-endpoint error: 401 for invalid_client (with a Basic challenge), else 400 unless told. */
export function sendOAuthError(
  reply: FastifyReply,
  error: OAuthErrorCode,
  description: string,
  status = error === 'invalid_client' ? 401 : 400,
): FastifyReply {
  if (status === 401) {
    reply.header('www-authenticate', 'Basic realm="oauth"');
  }
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json')
    .send({ error, error_description: description });
}
