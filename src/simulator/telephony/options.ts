// Tunables of the telephony part, from the platform's SimContext.options (simulated seconds).
import type { SimContext, SimTelephonyOptions } from '../context.ts';

export type TelephonyOptions = SimTelephonyOptions;

export function optionsOf(ctx: SimContext): TelephonyOptions {
  return ctx.options;
}
