// Which instance ingests the GoTo account: a lease renewed on a timer (PostgreSQL), or always this one (SQLite).
//
// No two leaders delivering at once. The holder sends each renewal at local monotonic time t; the database sets
// expires_at = (its now() when the statement runs, which is after t) + TTL. The holder counts itself leader only
// until t + TTL - margin by its own monotonic clock, i.e. strictly before the lease can expire on the database.
// Another instance can take the lease only once the database's now() passes expires_at. So by the time a new
// leader exists, the old one's deadline has passed, and:
//   - its watchdog timer stops its GoTo source (connection lost, queries failing, or the renewal hangs: the
//     deadline does not wait for an answer);
//   - and whatever still arrives (a process frozen by kill -STOP that wakes up with frames in its buffers) is
//     held back by `admit()`, which checks `isLeading()` synchronously on every event the source hands to the call
//     tracker, and is dropped when the tenure ends.
// A renewal that is merely late (a starved event loop, a slow database) must not lose events: between the deadline
// and the watchdog (which fires when the lease may have expired on the database, t + TTL) events are held, not
// delivered; a renewal that comes back with the same epoch proves the tenure never lapsed on the database (the
// epoch stays only while the same holder renews an unexpired row), so the held events are delivered then, in order.
// The margin covers clock-rate drift between the two machines and the timer's lateness on a busy host; epochs
// (+1 per new holder) fence what slips through anyway: a new leader's card versions are higher (pop-service.ts).
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { LeaseConnection } from '../store/postgres/leader-lease.ts';

export interface LeadershipTiming {
  /** Lease lifetime on the database. */
  readonly ttlMs: number;
  /** How often the leader renews. */
  readonly renewMs: number;
  /** How often a follower tries to take the lease (after a release it takes over within this). */
  readonly pollMs: number;
  /** Taken off the TTL for the leader's own deadline. */
  readonly marginMs: number;
}

/** Events held while one renewal is late: at 200 calls/s (~1,000 events/s) several seconds' worth. */
const MAX_HELD = 20_000;

export const DEFAULT_LEADERSHIP_TIMING: LeadershipTiming = {
  ttlMs: 3_000,
  renewMs: 1_000,
  pollMs: 300,
  marginMs: 500,
};

export interface LeadershipHooks {
  /** Became leader with this epoch; `takeover` when another instance held the account before. */
  lead(epoch: number, takeover: boolean): Promise<void>;
  /** Stopped being leader (lease lost or not renewed in time, or shutting down). */
  stepDown(reason: string): Promise<void>;
}

export interface LeadershipOptions {
  /** null: the only instance (SQLite); it leads from start() on with epoch 0. */
  readonly lease: LeaseConnection | null;
  readonly hooks: LeadershipHooks;
  readonly log: Logger;
  readonly registry?: Registry;
  readonly timing?: LeadershipTiming;
}

export class Leadership {
  #leading = false;
  #epoch = 0;
  #deadline = 0;
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #watchdog: ReturnType<typeof setTimeout> | null = null;
  /** Transitions run one after another: a step-down waits for a lead still starting its source. */
  #transitions: Promise<void> = Promise.resolve();
  /** After losing the lease connection: not competing before this (performance.now()), so another instance wins. */
  #yieldUntil = 0;
  #releaseOnYield = false;
  /** Events that came after the deadline of a tenure not yet ended: delivered on a same-epoch renewal. */
  #held: (() => void)[] = [];
  readonly #timing: LeadershipTiming;
  readonly #takeovers: Counter | null;
  readonly #dropped: Counter | null;

  constructor(private readonly options: LeadershipOptions) {
    this.#timing = options.timing ?? DEFAULT_LEADERSHIP_TIMING;
    const registry = options.registry;
    this.#takeovers =
      registry === undefined
        ? null
        : new Counter({
            name: 'screenpop_leader_takeovers_total',
            help: 'Times this instance became the ingesting leader after another instance',
            registers: [registry],
          });
    this.#dropped =
      registry === undefined
        ? null
        : new Counter({
            name: 'screenpop_leader_dropped_events_total',
            help: 'GoTo events dropped because this instance was not (or no longer) the leader when they came',
            registers: [registry],
          });
    if (registry !== undefined) {
      const leading = (): number => (this.isLeading() ? 1 : 0);
      const epoch = (): number => this.#epoch;
      new Gauge({
        name: 'screenpop_leader',
        help: '1 while this instance ingests the GoTo account, else 0',
        registers: [registry],
        collect() {
          this.set(leading());
        },
      });
      new Gauge({
        name: 'screenpop_leader_epoch',
        help: 'Epoch of the lease this instance holds or held last (0: never led, or SQLite)',
        registers: [registry],
        collect() {
          this.set(epoch());
        },
      });
    }
  }

  /** Leader now, by this process's own clock (false from the deadline on, even before the watchdog fires). */
  isLeading(): boolean {
    return this.#leading && (this.options.lease === null || performance.now() < this.#deadline);
  }

  /**
   * An event from a GoTo source: delivered now while leading; held while this tenure's renewal is late (delivered
   * in order if the same epoch is renewed, dropped if the tenure ends); dropped and counted when not leading at all
   * (a frozen ex-leader waking up).
   */
  admit(deliver: () => void): void {
    if (this.isLeading()) {
      deliver();
    } else if (this.#leading && !this.#stopped && this.#held.length < MAX_HELD) {
      this.#held.push(deliver);
    } else {
      this.#dropped?.inc();
    }
  }

  get epoch(): number {
    return this.#epoch;
  }

  start(): void {
    const lease = this.options.lease;
    if (lease === null) {
      this.#become(0, false);
      return;
    }
    // A leader that cannot reach the database cannot prove it holds the lease: it steps down at once, releases the
    // lease when it can, and stays out for one TTL so that another instance, not itself, takes over.
    lease.onLost(() => {
      if (this.#leading && !this.#stopped) {
        this.#resign('lease connection lost');
        this.#yieldUntil = performance.now() + this.#timing.ttlMs;
        this.#releaseOnYield = true;
      }
    });
    void this.#tick();
  }

  /** SIGTERM: stop ingesting, then release the lease so a follower takes over at its next poll. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimers();
    const wasLeading = this.#leading;
    this.#resign('shutdown');
    await this.#transitions;
    const lease = this.options.lease;
    if (lease !== null) {
      if (wasLeading) {
        await lease.release().catch((error: unknown) => {
          this.options.log.warn({ reason: String(error) }, 'could not release the leader lease: it expires');
        });
      }
      await lease.close();
    }
  }

  async #tick(): Promise<void> {
    const lease = this.options.lease;
    if (lease === null || this.#stopped) {
      return;
    }
    const sentAt = performance.now();
    if (sentAt < this.#yieldUntil) {
      if (this.#releaseOnYield) {
        this.#releaseOnYield = !(await lease.release().then(
          () => true,
          () => false,
        ));
      }
      this.#timer = setTimeout(() => void this.#tick(), this.#timing.pollMs);
      return;
    }
    try {
      const grant = await lease.tryAcquire();
      if (this.#stopped) {
        return;
      }
      if (grant === null) {
        this.#resign('another instance holds the lease');
      } else {
        if (this.#leading && grant.epoch !== this.#epoch) {
          this.#resign('lease expired before it was renewed'); // a new tenure: lead afresh below
        }
        this.#renewed(sentAt, grant.epoch);
      }
    } catch (error) {
      if (this.#leading) {
        this.options.log.warn({ reason: String(error) }, 'leader lease renewal failed');
      }
      if (performance.now() >= this.#deadline) {
        this.#resign('lease not renewed in time');
      }
    }
    if (!this.#stopped) {
      this.#timer = setTimeout(
        () => void this.#tick(),
        this.#leading ? this.#timing.renewMs : this.#timing.pollMs,
      );
    }
  }

  #renewed(sentAt: number, epoch: number): void {
    this.#deadline = sentAt + this.#timing.ttlMs - this.#timing.marginMs;
    if (this.#watchdog !== null) {
      clearTimeout(this.#watchdog);
    }
    // Past the deadline nothing is delivered (isLeading); the source stops when the lease may be gone on the database.
    this.#watchdog = setTimeout(
      () => this.#resign('lease not renewed in time'),
      Math.max(0, sentAt + this.#timing.ttlMs - performance.now()),
    );
    if (!this.#leading) {
      this.#become(epoch, epoch > 1);
    } else if (this.#held.length > 0 && this.isLeading()) {
      // The same tenure, renewed late: nobody else led meanwhile. Only while the new deadline holds: an answer that
      // itself came too late proves nothing about now, and the events wait for the next renewal or the watchdog.
      this.#deliverHeld();
    }
  }

  #deliverHeld(): void {
    const held = this.#held;
    this.#held = [];
    for (const deliver of held) {
      try {
        deliver();
      } catch (error) {
        this.options.log.error({ reason: String(error) }, 'delivering a held GoTo event failed');
      }
    }
  }

  #become(epoch: number, takeover: boolean): void {
    this.#leading = true;
    this.#epoch = epoch;
    if (takeover) {
      this.#takeovers?.inc();
    }
    this.options.log.info(
      { role: 'leader', epoch, takeover },
      'leader: this instance ingests the GoTo account',
    );
    this.#transitions = this.#transitions.then(() =>
      this.options.hooks.lead(epoch, takeover).catch((error: unknown) => {
        this.options.log.error({ reason: String(error) }, 'starting to ingest failed');
      }),
    );
  }

  #resign(reason: string): void {
    if (this.#watchdog !== null) {
      clearTimeout(this.#watchdog);
      this.#watchdog = null;
    }
    if (this.#held.length > 0) {
      this.#dropped?.inc(this.#held.length);
      this.#held = [];
    }
    if (!this.#leading) {
      return;
    }
    this.#leading = false;
    this.options.log.info({ role: 'follower', epoch: this.#epoch, reason }, 'follower: stopped ingesting');
    this.#transitions = this.#transitions.then(() =>
      this.options.hooks.stepDown(reason).catch((error: unknown) => {
        this.options.log.error({ reason: String(error) }, 'stopping ingestion failed');
      }),
    );
  }

  #clearTimers(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#watchdog !== null) {
      clearTimeout(this.#watchdog);
      this.#watchdog = null;
    }
  }
}
