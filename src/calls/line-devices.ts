// Realtime dialogs are per device: merges a line's devices into one leg state ("best" device wins, §4.5).
import type { LegState } from './types.ts';

/** How far a device's dialog has gone; a dialog never moves back (ringing after answered is a reordered frame). */
const PROGRESS: Record<LegState, number> = { ringing: 0, connected: 1, held: 1, gone: 2 };

/** Which device state the line shows: talking beats ringing beats gone. */
const BEST: Record<LegState, number> = { gone: 0, ringing: 1, held: 2, connected: 3 };

export type DeviceUpdate =
  | { readonly kind: 'applied'; readonly lineState: LegState }
  /** The device already went past this state: a late frame. */
  | { readonly kind: 'regressed' };

/** Device states of one call, keyed by line then device (GoTo's legId; the line itself when unknown). */
export class LineDevices {
  readonly #lines = new Map<string, Map<string, LegState>>();

  update(lineId: string, deviceId: string | null | undefined, state: LegState): DeviceUpdate {
    let devices = this.#lines.get(lineId);
    if (devices === undefined) {
      devices = new Map();
      this.#lines.set(lineId, devices);
    }
    const key = deviceId ?? lineId;
    const old = devices.get(key);
    if (old !== undefined && PROGRESS[state] < PROGRESS[old]) {
      return { kind: 'regressed' };
    }
    devices.set(key, state);
    let best: LegState = 'gone';
    for (const s of devices.values()) {
      if (BEST[s] > BEST[best]) {
        best = s;
      }
    }
    return { kind: 'applied', lineState: best };
  }
}
