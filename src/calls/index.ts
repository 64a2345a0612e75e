// The calls module's public face: the state machine, the tracker and its trace.
export { applyEvent, endCall, isUnknownParty, UNKNOWN_PARTY } from './call-state.ts';
export type { ApplyOptions, Transition } from './call-state.ts';
export { CallTracker } from './call-tracker.ts';
export type { CallTrackerOptions, ChangeListener, TrackerLogger } from './call-tracker.ts';
export { describeEvent } from './call-trace.ts';
export type { CallTrace, EventVerdict, TraceEntry, TraceOptions } from './call-trace.ts';
export { CallMetrics } from './call-metrics.ts';
