// Bounds on the REST client's requests in flight, for the bursts a recovery makes (issue 12).
// - RequestSlots: at most N requests of one client at a time; the rest wait their turn in order. After a channel
//   reconnect at 500 calls/s, the recoverer reads the states of every call that vanished meanwhile (hundreds at
//   once): unbounded, they swamped the event loop that the live frames share.
// - followSignal: one 'abort' listener on a shared signal, however many requests it covers. fetch adds a
//   listener to the signal it is given, and both Node's EventTarget (duplicate check) and undici (listener
//   count) walk the signal's whole listener list per request: with one signal shared by a thousand requests
//   in flight, every new request cost a thousand steps.

export class RequestSlots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.#free = size;
  }

  /** Runs `work` once a slot is free; the slot is given back when it settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) {
      this.#free -= 1;
    } else {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) {
        this.#free += 1;
      } else {
        next(); // the slot passes straight to the next waiter
      }
    }
  }

  /** Requests waiting for a slot (tests, metrics). */
  get waiting(): number {
    return this.#waiting.length;
  }
}

const followers = new WeakMap<AbortSignal, Set<AbortController>>();

/** A signal of the request's own that aborts when `shared` does; `release` once the request is done. */
export function followSignal(shared: AbortSignal): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  if (shared.aborted) {
    controller.abort(shared.reason);
    return { signal: controller.signal, release: () => {} };
  }
  let set = followers.get(shared);
  if (set === undefined) {
    const created = new Set<AbortController>();
    set = created;
    followers.set(shared, created);
    shared.addEventListener(
      'abort',
      () => {
        for (const follower of created) {
          follower.abort(shared.reason);
        }
        created.clear();
      },
      { once: true },
    );
  }
  const own = set;
  own.add(controller);
  return { signal: controller.signal, release: () => own.delete(controller) };
}
