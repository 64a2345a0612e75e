// Admin (/admin/rest/v1) and Identity SCIM (/identity/v1/Users/me): where the account key lives (goto-protocol.md §8).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SimContext, SimUser } from '../context.ts';
import { accountOf } from './views.ts';

/** Not documented; any valid token may read its own admin profile. */
const ADMIN_ME_SCOPES: readonly string[] = [];
/** §1.7 (also written `identity:`). */
const IDENTITY_SCOPES = ['identity:scim.me', 'identity:'];
/** Seed data has no locale or time zone; the fixtures' values stand for every user. */
const LOCALE = 'en_US';
const TIME_ZONE = 'America/Chicago';

const USER_ATTRIBUTES = ['key', 'email', 'firstName', 'lastName'] as const;
type UserAttribute = (typeof USER_ATTRIBUTES)[number];

const adminUsersQuery = z.object({
  attributes: z.string().optional(),
  offset: z.coerce.number().int().min(0).default(0),
  pageSize: z.coerce.number().int().min(1).max(1000).default(1000),
});

function adminRoles(user: SimUser): string[] {
  return user.admin ? ['SUPER_USER'] : [];
}

function attributeValue(user: SimUser, attribute: UserAttribute): string {
  switch (attribute) {
    case 'key':
      return user.userKey;
    case 'email':
      return user.email;
    case 'firstName':
      return user.firstName;
    case 'lastName':
      return user.lastName;
  }
}

export function registerAdminRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/admin/rest/v1/me', async (request, reply) => {
    const token = ctx.authorize(request, reply, ADMIN_ME_SCOPES);
    if (token === null) {
      return reply;
    }
    const { user } = token;
    const account = accountOf(ctx.directory, user.accountKey);
    return {
      key: user.userKey,
      accountKey: user.accountKey,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      locale: LOCALE,
      timeZone: TIME_ZONE,
      adminRoles: adminRoles(user),
      accounts: [{ key: user.accountKey, name: account?.name ?? '', adminRoles: adminRoles(user) }],
    };
  });

  app.get('/admin/rest/v1/accounts/:accountKey/users', async (request, reply) => {
    const token = ctx.authorize(request, reply, ADMIN_ME_SCOPES);
    if (token === null) {
      return reply;
    }
    const { accountKey } = request.params as { accountKey: string };
    if (accountOf(ctx.directory, accountKey) === undefined) {
      return ctx.sendError(reply, 404, 'NOT_FOUND', `Account ${accountKey} not found`);
    }
    if (token.user.accountKey !== accountKey || !token.user.admin) {
      return ctx.sendError(reply, 403, 'FORBIDDEN', 'Only an admin of the account may list its users');
    }
    const query = adminUsersQuery.safeParse(request.query ?? {});
    const requested = query.success
      ? (query.data.attributes ?? 'key,email').split(',').map((a) => a.trim())
      : [];
    const unknown = requested.filter((a) => !USER_ATTRIBUTES.includes(a as UserAttribute));
    if (!query.success || unknown.length > 0) {
      return ctx.sendError(reply, 400, 'BAD_REQUEST', 'offset, pageSize or attributes is invalid', {
        constraintViolations: [
          { field: unknown.length > 0 ? 'attributes' : 'offset', constraint: 'INVALID' },
        ],
      });
    }
    const users = ctx.directory.users.filter((u) => u.accountKey === accountKey);
    const { offset, pageSize } = query.data;
    const results = users
      .slice(offset, offset + pageSize)
      .map((u) => Object.fromEntries(requested.map((a) => [a, attributeValue(u, a as UserAttribute)])));
    // toIndex is inclusive (fixtures users/admin-users.json).
    return { results, fromIndex: offset, toIndex: offset + results.length - 1, total: users.length };
  });

  app.get('/identity/v1/Users/me', async (request, reply) => {
    const token = ctx.authorize(request, reply, IDENTITY_SCOPES);
    if (token === null) {
      return reply;
    }
    const { user } = token;
    const account = accountOf(ctx.directory, user.accountKey);
    return {
      schemas: ['urn:scim:schemas:core:1.0', 'urn:scim:schemas:extension:getgo:1.0'],
      id: user.userKey,
      userName: user.email,
      name: { familyName: user.lastName, givenName: user.firstName },
      displayName: `${user.firstName} ${user.lastName}`.trim(),
      emails: [{ value: user.email, type: 'work', primary: true }],
      locale: LOCALE,
      timezone: TIME_ZONE,
      active: true,
      'urn:scim:schemas:extension:getgo:1.0': {
        accounts: [
          {
            value: user.accountKey,
            display: account?.name ?? '',
            entitlements: user.admin ? ['acctadmin'] : [],
          },
        ],
      },
    };
  });
}
