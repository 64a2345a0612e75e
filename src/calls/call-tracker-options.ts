// What a CallTracker can be told: clock, call log, how long ended calls and their ids are kept, waits, retries.
import type { Registry } from 'prom-client';
import type { TrackerLogger } from './call-log-backlog.ts';
import type { TraceOptions } from './call-trace.ts';
import type { CallLogWriter, Clock } from './ports.ts';
import type { CallChange } from './types.ts';

export interface CallTrackerOptions {
  readonly clock?: Clock;
  /** Where ended calls go; none = not written anywhere. */
  readonly callLog?: CallLogWriter;
  /** How long an ended call stays in the live map (cards show "ended" for a while). Default 60 s. */
  readonly endedGraceMs?: number;
  /** Ended call ids remembered after they leave the live map, so late events cannot resurrect them. */
  readonly endedIdsLimit?: number;
  /** Notification ids / dialog entities remembered for de-duplication. */
  readonly dedupeLimit?: number;
  /**
   * How long after its end a call still takes history from a state that ENDING overtook (a reordered answer),
   * and so how long its final call-log write waits (the first is made at once). Default 1,000 ms.
   */
  readonly settleMs?: number;
  /**
   * A Call Events call that ends with holes in its sequence (states dropped; the source fetches them) waits up
   * to this long for them before its final write, taking their history meanwhile. Default 30,000 ms.
   */
  readonly gapWaitMs?: number;
  /**
   * When a source gives no `requestedAt` with a recovery, calls heard from this recently are not ended for
   * missing from the list (they may have started while it was fetched). Default 2,000 ms.
   */
  readonly recoveryGraceMs?: number;
  /** First retry delay of a refused call-log write, doubled per failure in a row. Default 200 ms. */
  readonly logRetryBaseMs?: number;
  /** The retry delay is capped here: rows are retried until the store takes them. Default 5,000 ms. */
  readonly logRetryMaxMs?: number;
  /** Ended calls held while the store refuses writes; past it the oldest is dropped and counted. Default 50,000. */
  readonly logBacklogLimit?: number;
  /** close() waits this long for a refusing store before dropping what is left. Default 10,000 ms. */
  readonly logCloseWaitMs?: number;
  /** The live map and traces are swept this often even when no event arrives; 0 = only on events. Default 5,000 ms. */
  readonly sweepEveryMs?: number;
  readonly trace?: TraceOptions;
  readonly registry?: Registry;
  readonly logger?: TrackerLogger;
}

export type ChangeListener = (change: CallChange) => void;
