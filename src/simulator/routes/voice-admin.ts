// Voice Admin phone numbers (fixtures voice-admin/phone-numbers.json): maps phoneNumberId to the company DID.
import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../context.ts';
import { paginate } from '../http/paging.ts';
import { accountOf, phoneNumberView } from './views.ts';

const VOICE_ADMIN_SCOPES = ['voice-admin.v1.read'];

export function registerVoiceAdminRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/voice-admin/v1/phone-numbers', async (request, reply) => {
    const token = ctx.authorize(request, reply, VOICE_ADMIN_SCOPES);
    if (token === null) {
      return reply;
    }
    const query = (request.query ?? {}) as Record<string, unknown>;
    const accountKey = typeof query['accountKey'] === 'string' ? query['accountKey'] : token.user.accountKey;
    if (accountKey !== token.user.accountKey) {
      return ctx.sendError(
        reply,
        403,
        'FORBIDDEN',
        `The token's user has no access to account ${accountKey}`,
      );
    }
    const account = accountOf(ctx.directory, accountKey);
    const numbers = ctx.directory.phoneNumbers.filter((p) => p.accountKey === accountKey);
    const page = paginate(numbers, { pageSize: query['pageSize'], pageMarker: query['pageMarker'] });
    if (!page.ok) {
      return ctx.sendError(reply, 400, 'BAD_REQUEST', page.message, {
        constraintViolations: [{ field: page.field, constraint: 'INVALID' }],
      });
    }
    const items = page.items.map((p) => phoneNumberView(p, account));
    return page.nextPageMarker === undefined ? { items } : { items, nextPageMarker: page.nextPageMarker };
  });
}
