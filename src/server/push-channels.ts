// One hub subscription per signed-in agent on this instance, fanned out to the agent's open sockets: each card
// update is encoded once and the same bytes go to every tab (no per-socket JSON or UTF-8 work).
import type { WebSocket } from 'ws';
import type { PushEntry, PushHub, PushSubscription } from '../pops/ports.ts';
import type { Card, ServerMessage } from '../shared/messages.ts';

/** A browser that cannot keep up is dropped; it resumes from its cursor when it reconnects. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Counters of the work the fan-out does (tests and /metrics read them). */
export interface PushCounters {
  /** Card frames encoded. */
  framesEncoded: number;
  /** Frames written to sockets. */
  framesSent: number;
}

/**
 * A card's JSON is the bulk of every frame and the same object goes to every recipient of an update, so it is
 * encoded once per update; each agent's frame only adds its own cursor around those bytes. Only the latest
 * update's bytes are kept: a hub hands one update to all its recipients in a row, and bytes kept for every
 * card the hubs buffer (100 per agent) would hold a pooled 8 KiB slab each (issue 12: RSS at 10,000 agents).
 */
let lastCard: Card | null = null;
let lastBytes: Buffer = Buffer.alloc(0);
const CARD_FRAME_END = Buffer.from('}');

function cardBytes(card: Card): Buffer {
  if (card !== lastCard) {
    lastCard = card;
    lastBytes = Buffer.from(JSON.stringify(card));
  }
  return lastBytes;
}

/** Sends a frame, or drops a socket whose unsent backlog shows the browser is not reading. */
export function sendFrame(socket: WebSocket, frame: Buffer | string): boolean {
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(4008, 'too slow');
    return false;
  }
  socket.send(frame, { binary: false });
  return true;
}

export function sendMessage(socket: WebSocket, message: ServerMessage): void {
  sendFrame(socket, JSON.stringify(message));
}

interface Channel {
  readonly principal: string;
  /** Sockets that have had their hello and get every update. */
  readonly sockets: Set<WebSocket>;
  readonly subscription: Promise<PushSubscription>;
  /** Joins waiting for the subscription: the channel stays while they do. */
  joining: number;
  /** The agent's newest cursor as this instance has seen it: the hello of a newly opened tab. */
  cursor: number;
}

export class PushChannels {
  readonly counters: PushCounters = { framesEncoded: 0, framesSent: 0 };
  private readonly channels = new Map<string, Channel>();

  /** @param shown called when an update reached at least one of the agent's sockets (the audit trail) */
  constructor(
    private readonly hub: PushHub,
    private readonly shown: (principal: string, card: Card) => void = () => {},
  ) {}

  /** The text frame of a card update: `{"type":"card","cursor":N,"card":…}`, the card's bytes shared. */
  cardFrame(entry: PushEntry): Buffer {
    this.counters.framesEncoded += 1;
    const head = Buffer.from(`{"type":"card","cursor":${entry.cursor},"card":`);
    return Buffer.concat([head, cardBytes(entry.card), CARD_FRAME_END]);
  }

  /**
   * Adds a socket to the agent's channel. `hello` runs with the agent's current cursor just before the socket
   * starts receiving updates, so no card can overtake the hello.
   */
  async join(principal: string, socket: WebSocket, hello: (cursor: number) => void): Promise<void> {
    const channel = this.channels.get(principal) ?? this.open(principal);
    channel.joining += 1;
    let subscription: PushSubscription;
    try {
      subscription = await channel.subscription;
    } finally {
      channel.joining -= 1;
    }
    if (socket.readyState !== socket.OPEN) {
      this.release(principal, channel);
      return;
    }
    channel.cursor = Math.max(channel.cursor, subscription.cursor);
    hello(channel.cursor);
    channel.sockets.add(socket);
  }

  /** Removes a socket; the agent's hub subscription ends with their last socket. */
  leave(principal: string, socket: WebSocket): void {
    const channel = this.channels.get(principal);
    if (channel !== undefined && channel.sockets.delete(socket)) {
      this.release(principal, channel);
    }
  }

  /** The agent's newest cursor seen here (0 when no socket of theirs is open). */
  cursor(principal: string): number {
    return this.channels.get(principal)?.cursor ?? 0;
  }

  /** Open sockets on this instance. */
  socketCount(): number {
    let n = 0;
    for (const channel of this.channels.values()) {
      n += channel.sockets.size;
    }
    return n;
  }

  private open(principal: string): Channel {
    const channel: Channel = {
      principal,
      sockets: new Set(),
      joining: 0,
      cursor: 0,
      subscription: this.hub.subscribe(principal, (entry) => this.deliver(channel, entry)),
    };
    // A failed subscribe fails its joins (their sockets close); the next socket tries again.
    channel.subscription.catch(
      () => this.channels.get(principal) === channel && this.channels.delete(principal),
    );
    this.channels.set(principal, channel);
    return channel;
  }

  private release(principal: string, channel: Channel): void {
    if (channel.sockets.size > 0 || channel.joining > 0 || this.channels.get(principal) !== channel) {
      return;
    }
    this.channels.delete(principal);
    void channel.subscription.then(
      (subscription) => subscription.close(),
      () => {},
    );
  }

  private deliver(channel: Channel, entry: PushEntry): void {
    channel.cursor = Math.max(channel.cursor, entry.cursor);
    if (channel.sockets.size === 0) {
      return;
    }
    const frame = this.cardFrame(entry);
    for (const socket of channel.sockets) {
      if (sendFrame(socket, frame)) {
        this.counters.framesSent += 1;
      }
    }
    this.shown(channel.principal, entry.card);
  }
}
