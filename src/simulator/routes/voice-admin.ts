// Voice Admin phone numbers (fixtures voice-admin/phone-numbers.json): maps phoneNumberId to the company DID.
import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../context.ts';
import { accountPage } from './account-page.ts';
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
    const page = accountPage(ctx, reply, token, accountKey, ctx.directory.phoneNumbers, query);
    if (page === null) {
      return reply;
    }
    const account = accountOf(ctx.directory, accountKey);
    const items = page.items.map((p) => phoneNumberView(p, account));
    return page.nextPageMarker === undefined ? { items } : { items, nextPageMarker: page.nextPageMarker };
  });
}
