// Users and Lines API (goto-protocol.md §2): /users/v1/lines, /users/v1/me, /users/v1/users?accountKey=.
import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../context.ts';
import { accountPage } from './account-page.ts';
import { accountOf, linesOf } from './views.ts';

/** §1.7: lines.read is the documented scope; users.v1.read is what a broader token carries. */
const LINES_SCOPES = ['users.v1.lines.read', 'users.v1.read'];
/** §1.7 notes a conflict (users.v1.read vs lines.read being enough); either is accepted. */
const USERS_SCOPES = ['users.v1.read', 'users.v1.lines.read'];

export function registerUsersRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/users/v1/lines', async (request, reply) => {
    const token = ctx.authorize(request, reply, LINES_SCOPES);
    if (token === null) {
      return reply;
    }
    return { items: linesOf(ctx.directory, token.user) };
  });

  app.get('/users/v1/me', async (request, reply) => {
    const token = ctx.authorize(request, reply, USERS_SCOPES);
    if (token === null) {
      return reply;
    }
    const { user } = token;
    const account = accountOf(ctx.directory, user.accountKey);
    return {
      items: [
        {
          accountKey: user.accountKey,
          organizationId: account?.organizationId ?? '',
          organizationName: account?.name ?? '',
          userKey: user.userKey,
          userId: user.userId,
          lines: linesOf(ctx.directory, user),
        },
      ],
    };
  });

  app.get('/users/v1/users', async (request, reply) => {
    const token = ctx.authorize(request, reply, USERS_SCOPES);
    if (token === null) {
      return reply;
    }
    const query = (request.query ?? {}) as Record<string, unknown>;
    const accountKey = query['accountKey'];
    if (typeof accountKey !== 'string' || accountKey === '') {
      return ctx.sendError(reply, 400, 'BAD_REQUEST', 'accountKey is required', {
        constraintViolations: [{ field: 'accountKey', constraint: 'REQUIRED' }],
      });
    }
    const page = accountPage(ctx, reply, token, accountKey, ctx.directory.users, query);
    if (page === null) {
      return reply;
    }
    const items = page.items.map((u) => ({
      userKey: u.userKey,
      userId: u.userId,
      lines: linesOf(ctx.directory, u),
    }));
    return page.nextPageMarker === undefined ? { items } : { items, nextPageMarker: page.nextPageMarker };
  });
}
