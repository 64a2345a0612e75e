// Call Events Report API (§7): REPORT_SUMMARY subscriptions, the notification reportDelay after ENDING,
// GET /reports/{id} (404 until ready) and GET /report-summaries (window ≤ 31 days, paged).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimContext } from '../context.ts';
import type { CallListener } from './call-hub.ts';
import { administers, queryList, subscriptionsChannel } from './call-events.ts';
import type { ChannelStore } from './channels.ts';
import type { Conversation, JsonObject } from './conversation.ts';
import type { DirectoryView } from './directory.ts';
import type { Timers } from './flow-context.ts';
import { uuidV4 } from './format.ts';
import { pageOf } from './paging.ts';
import { buildReport, buildSummary, involves } from './report-builder.ts';

const MANAGE = ['call-events.v1.notifications.manage'] as const;
const READ = ['cr.v1.read'] as const;
const BASE = '/call-events-report/v1';
const MAX_WINDOW_MS = 31 * 24 * 3600 * 1000;
const KEEP_REPORTS = 2000;

type Query = Record<string, string | string[] | undefined>;

interface ReportSubscription {
  readonly id: string;
  readonly channelId: string;
  readonly accountKey: string;
}

export class ReportService implements CallListener {
  private readonly subscriptions: ReportSubscription[] = [];
  /** Ready reports by conversationSpaceId, in order of readiness. */
  readonly ready = new Map<string, { report: JsonObject; summary: JsonObject; conversation: Conversation }>();

  constructor(
    private readonly ctx: SimContext,
    private readonly channels: ChannelStore,
    private readonly directory: DirectoryView,
    private readonly timers: Timers,
  ) {
    channels.onDelete((channelId) => {
      for (let i = this.subscriptions.length - 1; i >= 0; i -= 1) {
        if (this.subscriptions[i]?.channelId === channelId) {
          this.subscriptions.splice(i, 1);
        }
      }
    });
  }

  onEnded(conversation: Conversation): void {
    this.timers.after(this.ctx.options.reportDelaySeconds * 1000, () => this.publish(conversation));
  }

  private publish(conversation: Conversation): void {
    this.ready.set(conversation.id, {
      report: buildReport(conversation),
      summary: buildSummary(conversation, this.directory),
      conversation,
    });
    if (this.ready.size > KEEP_REPORTS) {
      const oldest = this.ready.keys().next().value;
      if (oldest !== undefined) {
        this.ready.delete(oldest);
      }
    }
    for (const sub of this.subscriptions) {
      if (sub.accountKey === conversation.metadata.accountKey) {
        this.channels.deliver(sub.channelId, {
          source: 'call-events-report',
          type: 'REPORT_SUMMARY',
          content: { conversationSpaceId: conversation.id },
        });
      }
    }
  }

  subscribe(channelId: string, accountKey: string): ReportSubscription {
    const existing = this.subscriptions.find((s) => s.channelId === channelId && s.accountKey === accountKey);
    if (existing !== undefined) {
      return existing;
    }
    const created = { id: uuidV4(), channelId, accountKey };
    this.subscriptions.push(created);
    return created;
  }

  keysOf(channelId: string): string[] {
    return this.subscriptions.filter((s) => s.channelId === channelId).map((s) => s.accountKey);
  }

  unsubscribe(channelId: string, accountKeys: readonly string[]): number {
    let removed = 0;
    for (let i = this.subscriptions.length - 1; i >= 0; i -= 1) {
      const sub = this.subscriptions[i];
      if (
        sub?.channelId === channelId &&
        (accountKeys.length === 0 || accountKeys.includes(sub.accountKey))
      ) {
        this.subscriptions.splice(i, 1);
        removed += 1;
      }
    }
    return removed;
  }
}

const FILTERS = ['accountKey', 'userKey', 'lineId', 'phoneNumberId'] as const;

export function registerReportRoutes(
  app: FastifyInstance,
  ctx: SimContext,
  channels: ChannelStore,
  reports: ReportService,
): void {
  const bad = (reply: FastifyReply, constraints: object[]) =>
    ctx.sendError(reply, 400, 'BAD_REQUEST', 'Invalid request', { constraints });

  const idRequired = (reply: FastifyReply) => bad(reply, [{ field: 'ID', constraint: 'REQUIRED' }]);

  app.post(`${BASE}/subscriptions`, async (request, reply) => {
    const token = ctx.authorize(request, reply, MANAGE);
    if (token === null) {
      return reply;
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    const constraints: object[] = [];
    const channelId = body['channelId'];
    const keys = body['accountKeys'];
    const eventTypes = body['eventTypes'] ?? ['REPORT_SUMMARY'];
    if (typeof channelId !== 'string' || channelId === '') {
      constraints.push({ field: 'channelId', constraint: 'REQUIRED' });
    }
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string')) {
      constraints.push({ field: 'accountKeys', constraint: Array.isArray(keys) ? 'INVALID' : 'REQUIRED' });
    }
    if (
      !Array.isArray(eventTypes) ||
      eventTypes.length === 0 ||
      eventTypes.some((t) => t !== 'REPORT_SUMMARY')
    ) {
      constraints.push({ field: 'eventTypes', constraint: 'INVALID' });
    }
    if (constraints.length > 0) {
      return bad(reply, constraints);
    }
    const channel = channels.get(channelId as string);
    if (channel === undefined || channel.ownerUserKey !== token.user.userKey) {
      return ctx.sendError(
        reply,
        404,
        'NOT_FOUND',
        `Notification channel does not exist ${String(channelId)}`,
        {
          constraints: [],
        },
      );
    }
    // Keys the user does not administer are simply left out: empty items = nothing subscribed (§7.1).
    const items = (keys as string[])
      .filter((key) => administers(token, key))
      .map((key) => {
        const sub = reports.subscribe(channel.id, key);
        return { id: sub.id, channelId: channel.id, value: key, eventTypes: ['REPORT_SUMMARY'] };
      });
    return reply.code(201).send({ items });
  });

  app.get<{ Querystring: Query }>(`${BASE}/subscriptions`, async (request, reply) => {
    const query = subscriptionsChannel(ctx, channels, request, reply, idRequired);
    if (query === null) {
      return reply;
    }
    return reply.send({
      accountKeys: query.owned ? reports.keysOf(query.channelId) : [],
      userKeys: [],
      lineIds: [],
      phoneNumberIds: [],
    });
  });

  app.delete<{ Querystring: Query }>(`${BASE}/subscriptions`, async (request, reply) => {
    const query = subscriptionsChannel(ctx, channels, request, reply, idRequired);
    if (query === null) {
      return reply;
    }
    const removed = query.owned
      ? reports.unsubscribe(query.channelId, queryList(request.query, 'accountKey'))
      : 0;
    if (removed === 0) {
      return ctx.sendError(reply, 404, 'NOT_FOUND', 'No matching subscription', { constraints: [] });
    }
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>(`${BASE}/reports/:id`, async (request, reply) => {
    const token = ctx.authorize(request, reply, READ);
    if (token === null) {
      return reply;
    }
    const entry = reports.ready.get(request.params.id);
    // 404 while the report is not ready yet, or for a call in progress (§7.5).
    if (entry === undefined || !administers(token, entry.conversation.metadata.accountKey)) {
      return ctx.sendError(reply, 404, 'NOT_FOUND', `Report not found ${request.params.id}`, {
        constraints: [],
      });
    }
    return reply.send(entry.report);
  });

  app.get<{ Querystring: Query }>(`${BASE}/report-summaries`, async (request, reply) => {
    const token = ctx.authorize(request, reply, READ);
    if (token === null) {
      return reply;
    }
    const q = (key: string) => queryList(request.query, key)[0];
    const constraints: object[] = [];
    const start = Date.parse(q('startTime') ?? '');
    const end = Date.parse(q('endTime') ?? '');
    if (Number.isNaN(start)) {
      constraints.push({
        field: 'startTime',
        constraint: q('startTime') === undefined ? 'REQUIRED' : 'INVALID',
      });
    }
    if (Number.isNaN(end)) {
      constraints.push({ field: 'endTime', constraint: q('endTime') === undefined ? 'REQUIRED' : 'INVALID' });
    }
    if (!Number.isNaN(start) && !Number.isNaN(end) && (end < start || end - start > MAX_WINDOW_MS)) {
      constraints.push({ field: 'endTime', constraint: 'INVALID' });
    }
    const given = FILTERS.filter((kind) => q(kind) !== undefined);
    if (given.length > 1) {
      constraints.push({ field: given[1] as string, constraint: 'INVALID' });
    }
    if (constraints.length > 0) {
      return bad(reply, constraints);
    }
    const kind = given[0] ?? 'accountKey';
    const filter = { kind, value: q(kind) ?? token.user.accountKey };
    const items = [...reports.ready.values()]
      .filter(({ conversation: c }) => administers(token, c.metadata.accountKey) && involves(c, filter))
      .filter(({ conversation: c }) => c.metadata.callCreated >= start && c.metadata.callCreated <= end)
      .sort((a, b) => b.conversation.metadata.callCreated - a.conversation.metadata.callCreated)
      .map((entry) => entry.summary);
    const page = pageOf(items, { pageSize: q('pageSize'), pageMarker: q('pageMarker') });
    if (page === null) {
      return bad(reply, [{ field: 'pageSize', constraint: 'INVALID' }]);
    }
    const pageSize = page.items.length;
    return reply.send(
      page.next === null
        ? { pageSize, items: page.items }
        : { pageSize, nextPageMarker: page.next, items: page.items },
    );
  });
}
