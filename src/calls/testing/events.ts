// Test builders: hand-made CallEvents with the fictional account of test/fixtures/goto (no GoTo JSON here).
import type { CallSnapshotEvent, LegEvent, LegState, LegUpdate, Party } from '../types.ts';

export const ACCOUNT = '4718093562201847735';
export const T0 = Date.parse('2026-03-10T15:02:00Z');

export const LINES = {
  '2101': 'line-2101',
  '2102': 'line-2102',
  '2103': 'line-2103',
  '2104': 'line-2104',
  '2105': 'line-2105',
} as const;

export type Ext = keyof typeof LINES;

export function external(e164: string, name: string | null = null): Party {
  return { e164, raw: e164, name, withheld: false, extension: null };
}

export const WITHHELD: Party = { e164: null, raw: 'Anonymous', name: null, withheld: true, extension: null };

export function lineParty(ext: Ext): Party {
  return { e164: null, raw: ext, name: `User ${ext}`, withheld: false, extension: ext };
}

export function leg(ext: Ext, state: LegState): LegUpdate {
  return { lineId: LINES[ext], extension: ext, name: `User ${ext}`, state };
}

let notification = 0;

/** A Call Events state; `seq` and `legs` are what tests vary, the rest defaults to an inbound call. */
export function snapshot(
  callId: string,
  seq: number,
  legs: readonly LegUpdate[],
  more: Partial<CallSnapshotEvent> = {},
): CallSnapshotEvent {
  notification++;
  return {
    kind: 'snapshot',
    source: 'call-events',
    callId,
    notificationId: `n-${notification}`,
    accountKey: ACCOUNT,
    seq,
    stateType: seq === 1 ? 'STARTING' : 'ACTIVE',
    at: T0 + seq * 1000,
    createdAt: T0,
    direction: 'inbound',
    caller: external('+17735550123', 'JUNE TOLLIVER'),
    callee: null,
    dialed: '+13125550140',
    queue: null,
    legs,
    associated: [],
    ...more,
  };
}

export function ending(
  callId: string,
  seq: number,
  more: Partial<CallSnapshotEvent> = {},
): CallSnapshotEvent {
  return snapshot(callId, seq, [], { stateType: 'ENDING', ...more });
}

let entity = 600_000_000;

/** A Realtime dialog event for one line (and device) of an inbound call. */
export function legEvent(
  callId: string,
  ext: Ext,
  state: LegState,
  more: Partial<LegEvent> & { readonly at?: number } = {},
): LegEvent {
  entity++;
  return {
    kind: 'leg',
    source: 'realtime',
    callId,
    entityId: String(entity),
    legId: `${callId}-${ext}-desk`,
    accountKey: null,
    createdAt: T0,
    at: T0 + (entity % 1000) * 10,
    direction: 'inbound',
    caller: external('+17085550134', 'TOLLIVER JUNE'),
    callee: lineParty(ext),
    dialed: '+13125550140',
    leg: leg(ext, state),
    ...more,
  };
}
