// The lifecycle both GoTo event sources share: connect → run → on loss back off with jitter → reconnect → recover; stop.
import type WebSocket from 'ws';
import type { Logger } from 'pino';
import type { CallEventSink } from '../../calls/ports.ts';
import { defaultReconnect, reconnectWithBackoff, retryTransient } from '../backoff.ts';
import type { BackoffOptions } from '../backoff.ts';
import { describe } from '../auth/token-manager.ts';
import { closeQuietly, onTextFrame } from './socket.ts';

/** What one kind of source plugs into the lifecycle: how to connect, what a frame means, what to recover. */
export interface SourceDriver {
  /** Log and trace wording: "Call Events channel", "Realtime socket". */
  readonly name: string;
  /**
   * Builds what the socket needs (channel + subscription, session + subscriptions) and opens it. `fresh` asks for
   * new remote resources rather than reusing live ones (set by `lost(..., fresh)` and after a failed attempt).
   * Resolves null when stop() ran meanwhile (the driver then leaves nothing behind).
   */
  connect(fresh: boolean, phase: Phase): Promise<WebSocket | null>;
  /** Whether a start failure may pass (GoTo down, 429, 5xx...): retried with back-off; anything else rejects. */
  transient(error: unknown): boolean;
  /** After a failed connect attempt (start or reconnect): log, drop half-built remote resources. */
  failed(error: unknown, attempt: number, phase: Phase): void;
  /** A connected socket, after its frames are wired: extra liveness checks. Returns their stop function. */
  opened?(socket: WebSocket): () => void;
  frame(text: string): void;
  /** Once start() has connected: periodic checks, and what was live before we came. */
  running?(): void;
  /** A loss was accepted (before the rebuild begins): note where the outage began. */
  down?(reason: string): void;
  /** After every reconnect: fetch what the source may have missed while down. */
  recover?(reason: string): Promise<void>;
  /** On stop(): delete the remote resources (channel, session). */
  release(): Promise<void>;
}

export type Phase = 'start' | 'reconnect';

export interface ReconnectingSourceSettings {
  readonly log: Logger;
  /** The source's stats: `reconnects` counts successful rebuilds. */
  readonly counts: { reconnects: number };
  readonly reconnect?: BackoffOptions;
  /**
   * Losses since the last frame push the first reconnect delay up (a socket that dies right after it opens backs
   * off too). Off: every reconnect starts at the base delay.
   */
  readonly escalateRepeatedLosses?: boolean;
}

/**
 * Owns the socket, the abort signal, `connected` / `lastError` and the rebuild loop; the driver owns the GoTo
 * resources. Only the current socket can report a loss, once.
 */
export class ReconnectingSource {
  lastError: string | null = null;
  #sink: CallEventSink | null = null;
  #socket: WebSocket | null = null;
  #stopChecks: (() => void) | null = null;
  #rebuilding = false;
  #failures = 0;
  #abort = new AbortController();

  constructor(
    private readonly driver: SourceDriver,
    private readonly settings: ReconnectingSourceSettings,
  ) {}

  get sink(): CallEventSink | null {
    return this.#sink;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get socket(): WebSocket | null {
    return this.#socket;
  }

  get connected(): boolean {
    return this.#socket !== null && !this.#rebuilding;
  }

  /**
   * Resolves once connected. Transient failures are retried with back-off until stop(); a permanent one stops
   * (releasing what was built) and rejects.
   */
  async start(sink: CallEventSink): Promise<void> {
    this.#sink = sink;
    this.#abort = new AbortController();
    let fresh = false;
    try {
      await retryTransient(
        () => this.#connect(fresh, 'start'),
        (e) => this.driver.transient(e),
        {
          ...this.#backoff(),
          signal: this.#abort.signal,
          onRetry: (error, n) => {
            fresh = true; // as on a reconnect: what a failed try built may be what fails (an idled-out session)
            this.lastError = describe(error);
            this.driver.failed(error, n, 'start');
          },
        },
      );
    } catch (error) {
      this.lastError = describe(error);
      await this.stop(); // no half-built channel or session left behind
      throw error;
    }
    this.lastError = null;
    this.driver.running?.();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#sink = null;
    this.#dropSocket();
    await this.driver.release();
  }

  /** A frame arrived: the connection works, so the next loss starts its back-off afresh. */
  frameArrived(): void {
    this.#failures = 0;
  }

  /** The socket (or what it stands on) is gone: rebuild with back-off, then recover. Ignored for a stale socket. */
  lost(socket: WebSocket | null, reason: string, fresh = false): void {
    if (socket !== this.#socket || this.#rebuilding || this.#abort.signal.aborted) {
      return;
    }
    this.#rebuilding = true;
    this.#failures++;
    this.#dropSocket();
    this.driver.down?.(reason);
    this.settings.log.warn({ reason }, `${this.driver.name} lost: reconnecting`);
    this.#sink?.note(`${this.driver.name.toLowerCase()} lost: ${reason}`);
    void this.#rebuild(reason, fresh);
  }

  async #connect(fresh: boolean, phase: Phase): Promise<void> {
    const socket = await this.driver.connect(fresh, phase);
    if (socket === null) {
      return; // stopped meanwhile
    }
    if (this.#abort.signal.aborted) {
      closeQuietly(socket);
      return;
    }
    this.#socket = socket;
    onTextFrame(socket, (text) => this.driver.frame(text));
    socket.on('close', (code) => this.lost(socket, `socket closed (${code})`));
    socket.on('error', (error) =>
      this.lost(socket, `socket error: ${error.message.replace(/wss?:\/\/\S+/g, '<url>')}`),
    );
    this.#stopChecks = this.driver.opened?.(socket) ?? null;
  }

  async #rebuild(reason: string, freshAtFirst: boolean): Promise<void> {
    let fresh = freshAtFirst;
    const connected = await reconnectWithBackoff(() => this.#connect(fresh, 'reconnect'), {
      ...this.#backoff(),
      signal: this.#abort.signal,
      // Even the first retry waits a little (base/2..base): a server that drops every socket must not be hammered.
      skip: this.settings.escalateRepeatedLosses === true ? this.#failures - 1 : 0,
      onFailure: (error, n) => {
        fresh = true; // a socket that will not open on live resources: start over with new ones
        this.lastError = describe(error);
        this.driver.failed(error, n, 'reconnect');
      },
    });
    if (connected) {
      this.settings.counts.reconnects++;
      this.lastError = null;
    }
    this.#rebuilding = false;
    if (!this.#abort.signal.aborted) {
      await this.driver.recover?.(`reconnected after ${reason}`);
    }
  }

  #backoff(): BackoffOptions {
    return this.settings.reconnect ?? defaultReconnect;
  }

  #dropSocket(): void {
    this.#stopChecks?.();
    this.#stopChecks = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) {
      closeQuietly(socket);
    }
  }
}
