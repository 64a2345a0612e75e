// Ports that calls/ depends on: where events come from, where ended calls go, and what time it is.
import type { Call, CallEvent } from './types.ts';

/** Milliseconds since the epoch. Tests pass a controllable clock. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A running source of normalized call events (Call Events channel, Realtime sessions, a fixture replay). */
export interface CallEventSource {
  /** Starts delivering; resolves once the source is connected and subscribed. */
  start(sink: CallEventSink): Promise<void>;
  /** Stops, releasing remote resources (deletes the channel / session). */
  stop(): Promise<void>;
}

export interface CallEventSink {
  /** A normalized event. Called synchronously per frame, in arrival order. */
  event(event: CallEvent): void;
  /**
   * The source lost events (reconnect, sequence gap) and fetched the calls' current states.
   * `active` is every call GoTo says is still live, as snapshot events (may repeat known states).
   * `requestedAt` (Clock ms, optional) is when the source asked for that list: a call that received an event
   * after it may have started after the list was made, so it is not ended for missing from it.
   */
  recovered(active: readonly CallEvent[], reason: string, requestedAt?: number): void;
  /** Something the trace should record (socket closed, channel refreshed, token refreshed...). */
  note(message: string, callId?: string): void;
}

/** Where ended calls are written (the call log of the store). */
export interface CallLogWriter {
  /** Upserts the ended call by id; called once per ended call (idempotent by id). */
  writeEndedCall(call: Call): Promise<void>;
}
