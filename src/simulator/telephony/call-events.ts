// Call Events API (§6.2, 6.3, 6.7, §11 #7, #8, #12): subscriptions per channel and account key, call-state
// fan-out with event-type filtering, and the conversation-spaces recovery endpoints.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext, TokenInfo } from '../context.ts';
import type { CallListener } from './call-hub.ts';
import type { ChannelStore } from './channels.ts';
import type { Conversation, EmittedState, StateType } from './conversation.ts';
import { pageOf } from './paging.ts';

const MANAGE = ['call-events.v1.notifications.manage'] as const;
const READ = ['call-events.v1.events.read'] as const;
const EVENT_TYPES: readonly StateType[] = ['STARTING', 'ACTIVE', 'ENDING'];
/** Every 400 of this API carries the same boilerplate message; read `constraints` instead (§6.2). */
const BOILERPLATE = 'The Notification Channel must be a WebSocket channel';

type Query = Record<string, string | string[] | undefined>;

export function queryList(query: Query, key: string): string[] {
  const value = query[key];
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * The `channelId` of a subscriptions GET or DELETE (Call Events and Reports alike) and whether the caller
 * owns that channel. Null once a 401/403 or, with no channelId, the API's own 400 (`idRequired`) is sent.
 */
export function subscriptionsChannel(
  ctx: SimContext,
  channels: ChannelStore,
  request: FastifyRequest<{ Querystring: Query }>,
  reply: FastifyReply,
  idRequired: (reply: FastifyReply) => unknown,
): { channelId: string; owned: boolean } | null {
  const token = ctx.authorize(request, reply, MANAGE);
  if (token === null) {
    return null;
  }
  const channelId = queryList(request.query, 'channelId')[0];
  if (channelId === undefined || channelId === '') {
    idRequired(reply);
    return null;
  }
  return { channelId, owned: channels.get(channelId)?.ownerUserKey === token.user.userKey };
}

/** Keys whose Call Events this token's user may read and subscribe to: super admins of the account. */
export function administers(token: TokenInfo, accountKey: string): boolean {
  return token.user.admin && token.user.accountKey === accountKey;
}

export interface ConversationRegistry {
  get(id: string): Conversation | undefined;
  all(): Iterable<Conversation>;
}

export class CallEventsSubscriptions implements CallListener {
  /** channelId → accountKey → subscribed state types (a repeat subscribe does not change them, §6.2). */
  private readonly byChannel = new Map<string, Map<string, ReadonlySet<StateType>>>();

  constructor(private readonly channels: ChannelStore) {
    channels.onDelete((channelId) => this.byChannel.delete(channelId));
  }

  onState(conversation: Conversation, state: EmittedState): void {
    // One content object for every channel, so its JSON is encoded once (notifications.ts).
    const content = { metadata: state.metadata, state: state.state };
    for (const [channelId, keys] of this.byChannel) {
      const types = keys.get(conversation.metadata.accountKey);
      if (types?.has(state.type) === true) {
        this.channels.deliver(channelId, {
          source: 'call-events',
          type: 'call-state',
          // Published a little after the state itself (fixtures: 60–300 ms later).
          at: state.at + 60 + Math.floor(Math.random() * 40),
          content,
        });
      }
    }
  }

  subscribe(channelId: string, accountKey: string, types: ReadonlySet<StateType>): void {
    const keys = this.byChannel.get(channelId) ?? new Map<string, ReadonlySet<StateType>>();
    if (!keys.has(accountKey)) {
      keys.set(accountKey, types);
    }
    this.byChannel.set(channelId, keys);
  }

  keysOf(channelId: string): string[] {
    return [...(this.byChannel.get(channelId)?.keys() ?? [])];
  }

  unsubscribe(channelId: string, accountKeys: readonly string[]): number {
    const keys = this.byChannel.get(channelId);
    if (keys === undefined) {
      return 0;
    }
    const targets = accountKeys.length === 0 ? [...keys.keys()] : accountKeys;
    let removed = 0;
    for (const key of targets) {
      removed += keys.delete(key) ? 1 : 0;
    }
    return removed;
  }
}

interface SubscribeEntry {
  readonly id: string;
  readonly events: readonly string[] | undefined;
}

/** Validates the subscribe body; returns either entries or the 400 to send. */
function parseSubscribe(
  body: unknown,
): { channelId: string; entries: SubscribeEntry[] } | { errorCode: string; constraints: object[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { errorCode: 'MALFORMED_REQUEST', constraints: [] };
  }
  const record = body as Record<string, unknown>;
  const constraints: object[] = [];
  if (typeof record['channelId'] !== 'string' || record['channelId'] === '') {
    constraints.push({ field: 'ChannelId', constraint: 'REQUIRED' });
  }
  const keys = record['accountKeys'];
  if (!Array.isArray(keys) || keys.length === 0) {
    constraints.push({ field: 'AccountKeys', constraint: 'REQUIRED' });
    return { errorCode: 'BAD_REQUEST', constraints };
  }
  const entries: SubscribeEntry[] = [];
  for (const [index, entry] of keys.entries()) {
    if (typeof entry !== 'object' || entry === null) {
      // e.g. the Call Events Report grammar (plain key strings): the body shape itself is wrong (§6.2).
      return { errorCode: 'MALFORMED_REQUEST', constraints: [] };
    }
    const { id, events } = entry as { id?: unknown; events?: unknown };
    if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) {
      constraints.push({ field: `AccountKeys[${index}].Id`, constraint: 'INVALID' });
      continue;
    }
    if (events !== undefined && !Array.isArray(events)) {
      constraints.push({ field: 'Events', constraint: 'INVALID' });
      continue;
    }
    const list = (events ?? []) as unknown[];
    list.forEach((event, i) => {
      if (typeof event !== 'string' || !(EVENT_TYPES as readonly string[]).includes(event)) {
        constraints.push({ field: `Events[${i}]`, constraint: 'INVALID' });
      }
    });
    entries.push({ id, events: events === undefined ? undefined : (list as string[]) });
  }
  if (constraints.length > 0) {
    return { errorCode: 'BAD_REQUEST', constraints };
  }
  return { channelId: record['channelId'] as string, entries };
}

export function registerCallEventsRoutes(
  app: FastifyInstance,
  ctx: SimContext,
  channels: ChannelStore,
  subscriptions: CallEventsSubscriptions,
  conversations: ConversationRegistry,
): void {
  const bad = (reply: FastifyReply, constraints: object[], errorCode = 'BAD_REQUEST') =>
    ctx.sendError(reply, 400, errorCode, BOILERPLATE, { constraints });
  const idRequired = (reply: FastifyReply) => bad(reply, [{ field: 'ID', constraint: 'REQUIRED' }]);

  app.post('/call-events/v1/subscriptions', async (request, reply) => {
    const token = ctx.authorize(request, reply, MANAGE);
    if (token === null) {
      return reply;
    }
    const parsed = parseSubscribe(request.body);
    if ('errorCode' in parsed) {
      return bad(reply, parsed.constraints, parsed.errorCode);
    }
    const channel = channels.get(parsed.channelId);
    const usable = channel !== undefined && channel.ownerUserKey === token.user.userKey;
    const accountKeys = parsed.entries.map((entry) => {
      if (!usable) {
        return { id: entry.id, status: 404, message: 'Not Found' };
      }
      if (!administers(token, entry.id)) {
        return { id: entry.id, status: 403, message: 'Forbidden' }; // live: no errorCode (§6.0 #10)
      }
      const types = new Set((entry.events ?? EVENT_TYPES) as StateType[]);
      subscriptions.subscribe(parsed.channelId, entry.id, types);
      return { id: entry.id, status: 200, message: 'Success' };
    });
    return reply.code(207).send({ accountKeys });
  });

  app.get<{ Querystring: Query }>('/call-events/v1/subscriptions', async (request, reply) => {
    const query = subscriptionsChannel(ctx, channels, request, reply, idRequired);
    if (query === null) {
      return reply;
    }
    return reply.send({ accountKeys: query.owned ? subscriptions.keysOf(query.channelId) : [] });
  });

  app.delete<{ Querystring: Query }>('/call-events/v1/subscriptions', async (request, reply) => {
    const query = subscriptionsChannel(ctx, channels, request, reply, idRequired);
    if (query === null) {
      return reply;
    }
    const { channelId, owned } = query;
    const removed = owned ? subscriptions.unsubscribe(channelId, queryList(request.query, 'accountKey')) : 0;
    if (removed === 0) {
      return ctx.sendError(reply, 404, 'NOT_FOUND', `No subscription for channel ${channelId}`, {
        constraints: [],
      });
    }
    return reply.code(204).send();
  });

  app.get<{ Querystring: Query }>('/call-events/v1/conversation-spaces', async (request, reply) => {
    const token = ctx.authorize(request, reply, READ);
    if (token === null) {
      return reply;
    }
    const accountKeys = queryList(request.query, 'accountKey');
    const lineIds = queryList(request.query, 'lineId');
    if (accountKeys.length === 0 && lineIds.length === 0) {
      return idRequired(reply);
    }
    if (accountKeys.length > 0 && lineIds.length > 0) {
      return bad(reply, [{ field: 'ID', constraint: 'INVALID' }]);
    }
    const lines = new Set(lineIds.filter((id) => lineVisible(ctx, token, id)));
    const keys = new Set(accountKeys.filter((key) => administers(token, key)));
    if (lines.size === 0 && keys.size === 0) {
      return ctx.sendError(reply, 403, 'FORBIDDEN', 'Forbidden', { constraints: [] });
    }
    const live = [...conversations.all()].filter((c) => {
      if (c.ended || c.history.length === 0) {
        return false;
      }
      if (keys.has(c.metadata.accountKey)) {
        return true;
      }
      return c.everyone.some((p) => p.party.kind === 'LINE' && lines.has(p.party.line.id));
    });
    const page = pageOf(live, {
      pageSize: first(request.query, 'pageSize'),
      pageMarker: first(request.query, 'pageMarker'),
    });
    if (page === null) {
      return bad(reply, [{ field: 'PageSize', constraint: 'INVALID' }]);
    }
    const items = page.items.map((c) => {
      const latest = c.history[c.history.length - 1] as EmittedState;
      return { metadata: latest.metadata, state: latest.state };
    });
    return reply.send(page.next === null ? { items } : { items, nextPageMarker: page.next });
  });

  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/call-events/v1/conversation-spaces/:id/events',
    async (request, reply) => {
      const token = ctx.authorize(request, reply, READ);
      if (token === null) {
        return reply;
      }
      const conversation = conversations.get(request.params.id);
      if (conversation === undefined || !administers(token, conversation.metadata.accountKey)) {
        return ctx.sendError(reply, 404, 'NOT_FOUND', `Conversation space not found ${request.params.id}`, {
          constraints: [],
        });
      }
      const from = sequenceBound(first(request.query, 'sequenceFrom'), 1);
      const to = sequenceBound(first(request.query, 'sequenceTo'), Number.MAX_SAFE_INTEGER);
      if (from === null || to === null) {
        return bad(reply, [{ field: from === null ? 'SequenceFrom' : 'SequenceTo', constraint: 'INVALID' }]);
      }
      const states = conversation.history
        .filter((s) => s.sequenceNumber >= from && s.sequenceNumber <= to)
        .map((s) => s.state);
      const page = pageOf(states, {
        pageSize: first(request.query, 'pageSize'),
        pageMarker: first(request.query, 'pageMarker'),
      });
      if (page === null) {
        return bad(reply, [{ field: 'PageSize', constraint: 'INVALID' }]);
      }
      return reply.send(
        page.next === null ? { items: page.items } : { items: page.items, nextPageMarker: page.next },
      );
    },
  );
}

function first(query: Query, key: string): string | undefined {
  return queryList(query, key)[0];
}

function sequenceBound(raw: string | undefined, fallback: number): number | null {
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : null;
}

function lineVisible(ctx: SimContext, token: TokenInfo, lineId: string): boolean {
  if (token.user.lineIds.includes(lineId)) {
    return true;
  }
  const line = ctx.directory.lines.find((l) => l.id === lineId);
  return line !== undefined && administers(token, line.accountKey);
}
