// One page of an account's entries for the directory list routes (users, phone numbers), or the error sent.
import type { FastifyReply } from 'fastify';
import type { SimContext, TokenInfo } from '../context.ts';
import { paginate } from '../http/paging.ts';

/**
 * The page of `entries` in account `accountKey` that the query's pageSize and pageMarker ask for. A token
 * sees only its own user's account: another account is a 403, bad paging a 400; null once either is sent.
 */
export function accountPage<T extends { readonly accountKey: string }>(
  ctx: SimContext,
  reply: FastifyReply,
  token: TokenInfo,
  accountKey: string,
  entries: readonly T[],
  query: Record<string, unknown>,
): { readonly items: readonly T[]; readonly nextPageMarker?: string } | null {
  if (accountKey !== token.user.accountKey) {
    ctx.sendError(reply, 403, 'FORBIDDEN', `The token's user has no access to account ${accountKey}`);
    return null;
  }
  const inAccount = entries.filter((entry) => entry.accountKey === accountKey);
  const page = paginate(inAccount, { pageSize: query['pageSize'], pageMarker: query['pageMarker'] });
  if (!page.ok) {
    ctx.sendError(reply, 400, 'BAD_REQUEST', page.message, {
      constraintViolations: [{ field: page.field, constraint: 'INVALID' }],
    });
    return null;
  }
  return page;
}
