// Notification channels (§5): WebSocket and Webhook channels, their lifetime clock, and fault-injected delivery.
import type { WebSocket } from 'ws';
import type { SimContext } from '../context.ts';
import type { Timers } from './flow-context.ts';
import { opaqueId, uuidV4 } from './format.ts';
import { notificationData, webhookBody, webSocketFrame } from './notifications.ts';
import type { NotificationData, NotificationInput } from './notifications.ts';

/** Lifetime GoTo reports for Webhook channels created without one (§11 #5). */
export const WEBHOOK_LIFETIME = 2_147_483_647;
/** WEBSOCKET_REFRESH_REQUIRED is sent when this much lifetime remains (§5.6). */
const REFRESH_REQUIRED_AT = 600;
/** Timers longer than this are not scheduled (a 68-year webhook lifetime would overflow setTimeout). */
const LONGEST_TIMER_SECONDS = 90 * 24 * 3600;

/** The envelope is stamped when sent, never before the notification's own timestamp. */
function sentAfter(data: NotificationData): number {
  return typeof data['timestamp'] === 'string' ? Date.parse(data['timestamp']) + 5 : 0;
}

export interface Channel {
  readonly id: string;
  readonly nickname: string;
  readonly ownerUserKey: string;
  readonly kind: 'WebSockets' | 'Webhook';
  readonly webhookUrl: string | null;
  lifetimeSeconds: number;
  readonly sockets: Set<WebSocket>;
  /** Per-connection `eventId` counters (§5.6: counted per connection here). */
  readonly eventIds: WeakMap<WebSocket, number>;
  cancelTimers: (() => void)[];
  /** Reorder fault: a notification held back until the next one has gone out. */
  held: { data: NotificationData; release: () => void } | null;
  webhookQueue: Promise<void>;
  /** Set when a delivery got 404/410, cleared by the next 2xx (§5.2); shown as unreachableTimestamp. */
  unreachableSince: number | null;
}

export class ChannelStore {
  private readonly channels = new Map<string, Channel>();
  private readonly deleteListeners: ((channelId: string) => void)[] = [];

  constructor(
    private readonly ctx: SimContext,
    private readonly timers: Timers,
    private readonly defaultLifetime: () => number,
  ) {}

  onDelete(listener: (channelId: string) => void): void {
    this.deleteListeners.push(listener);
  }

  create(init: {
    nickname: string;
    ownerUserKey: string;
    kind: 'WebSockets' | 'Webhook';
    webhookUrl: string | null;
    lifetimeSeconds: number | null;
  }): Channel {
    const isWs = init.kind === 'WebSockets';
    const channel: Channel = {
      id: isWs ? opaqueId(87) : `Webhook.${uuidV4()}`,
      nickname: init.nickname,
      ownerUserKey: init.ownerUserKey,
      kind: init.kind,
      webhookUrl: init.webhookUrl,
      lifetimeSeconds: isWs
        ? (this.ctx.faults.channelLifetimeSeconds ?? this.defaultLifetime())
        : (init.lifetimeSeconds ?? WEBHOOK_LIFETIME),
      sockets: new Set(),
      eventIds: new WeakMap(),
      cancelTimers: [],
      held: null,
      webhookQueue: Promise.resolve(),
      unreachableSince: null,
    };
    this.channels.set(channel.id, channel);
    this.startClock(channel);
    return channel;
  }

  get(channelId: string): Channel | undefined {
    return this.channels.get(channelId);
  }

  /** Channels of one owner, oldest first. */
  list(ownerUserKey: string): Channel[] {
    return [...this.channels.values()].filter((c) => c.ownerUserKey === ownerUserKey);
  }

  all(): Channel[] {
    return [...this.channels.values()];
  }

  /** PUT refresh / channel-lifetime: the full lifetime starts again (§11 #2). */
  refresh(channel: Channel): void {
    this.startClock(channel);
  }

  delete(channelId: string, closeCode = 1000): boolean {
    const channel = this.channels.get(channelId);
    if (channel === undefined) {
      return false;
    }
    this.channels.delete(channelId);
    channel.cancelTimers.forEach((cancel) => cancel());
    channel.held?.release();
    for (const socket of channel.sockets) {
      socket.close(closeCode);
    }
    channel.sockets.clear();
    this.deleteListeners.forEach((listener) => listener(channelId));
    return true;
  }

  private startClock(channel: Channel): void {
    channel.cancelTimers.forEach((cancel) => cancel());
    channel.cancelTimers = [];
    const lifetime = channel.lifetimeSeconds;
    if (lifetime > LONGEST_TIMER_SECONDS) {
      return;
    }
    if (channel.kind === 'WebSockets') {
      const warnAt = Math.max(0, lifetime - REFRESH_REQUIRED_AT);
      channel.cancelTimers.push(
        this.timers.after(warnAt * 1000, () =>
          this.control(channel, 'WEBSOCKET_REFRESH_REQUIRED', Math.min(REFRESH_REQUIRED_AT, lifetime)),
        ),
      );
    }
    channel.cancelTimers.push(this.timers.after(lifetime * 1000, () => this.expire(channel)));
  }

  /** A refresh that never came: WEBSOCKET_TO_BE_CLOSED, close 1000, channel and subscriptions gone (§11 #3). */
  private expire(channel: Channel): void {
    if (channel.kind === 'WebSockets') {
      this.control(channel, 'WEBSOCKET_TO_BE_CLOSED', 0);
    }
    this.delete(channel.id, 1000);
  }

  private control(channel: Channel, type: string, remainingLifetime: number): void {
    const data = notificationData(
      {
        source: 'notification-websocket',
        type,
        usage: 'BACKGROUND',
        control: true,
        content: { remainingLifetime },
      },
      this.ctx.clock.now(),
    );
    this.send(channel, data);
  }

  /** Delivers a notification, applying drop / duplicate / reorder faults (§10 #7). */
  deliver(channelId: string, input: NotificationInput): void {
    const channel = this.channels.get(channelId);
    if (channel === undefined) {
      return;
    }
    const data = notificationData(input, this.ctx.clock.now());
    const faults = this.ctx.faults;
    if (Math.random() < faults.drop) {
      return;
    }
    const copies = Math.random() < faults.duplicate ? 2 : 1;
    if (channel.held === null && Math.random() < faults.reorder) {
      // Held back until the next notification has gone out; released on its own after 2 simulated s.
      const cancel = this.timers.after(2000, () => this.releaseHeld(channel));
      channel.held = {
        data,
        release: () => {
          cancel();
          channel.held = null;
        },
      };
      return;
    }
    for (let i = 0; i < copies; i += 1) {
      this.send(channel, data);
    }
    this.releaseHeld(channel);
  }

  private releaseHeld(channel: Channel): void {
    const held = channel.held;
    if (held === null) {
      return;
    }
    held.release();
    this.send(channel, held.data);
  }

  private send(channel: Channel, data: NotificationData): void {
    if (channel.kind === 'Webhook') {
      this.postWebhook(channel, data);
      return;
    }
    // Events while no socket is open are dropped (§11 #4).
    for (const socket of channel.sockets) {
      const eventId = (channel.eventIds.get(socket) ?? 0) + 1;
      channel.eventIds.set(socket, eventId);
      socket.send(webSocketFrame(data, eventId, Math.max(this.ctx.clock.now(), sentAfter(data))));
    }
  }

  /** POSTs in order, each retried at most twice on 5xx, then dropped (§5.2). */
  private postWebhook(channel: Channel, data: NotificationData): void {
    const url = channel.webhookUrl;
    if (url === null) {
      return;
    }
    const body = webhookBody(data);
    channel.webhookQueue = channel.webhookQueue.then(async () => {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(5000),
          });
          await response.arrayBuffer().catch(() => undefined);
          if (response.status === 404 || response.status === 410) {
            channel.unreachableSince ??= this.ctx.clock.now();
          } else if (response.status < 300) {
            channel.unreachableSince = null;
          }
          if (response.status < 500) {
            return;
          }
        } catch {
          // unreachable receiver: counts as a failed attempt
        }
      }
    });
  }

  /** Drops every open channel socket; the channels themselves live on. */
  closeSockets(): number {
    let closed = 0;
    for (const channel of this.channels.values()) {
      for (const socket of channel.sockets) {
        socket.terminate();
        closed += 1;
      }
      channel.sockets.clear();
    }
    return closed;
  }

  close(): void {
    for (const channel of this.channels.values()) {
      channel.cancelTimers.forEach((cancel) => cancel());
      channel.held?.release();
      for (const socket of channel.sockets) {
        socket.terminate();
      }
    }
    this.channels.clear();
  }

  /** Settles pending webhook POSTs (tests and shutdown). */
  async flushWebhooks(): Promise<void> {
    await Promise.all([...this.channels.values()].map((c) => c.webhookQueue));
  }
}
