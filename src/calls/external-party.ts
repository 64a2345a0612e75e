// The call model's rules about parties: which one is the outside party of a call, and when its number is unusable.
import type { Call, Party } from './types.ts';

/** Inbound and internal calls are about the caller; outbound calls about the number dialled. */
export function externalParty(call: Call): Party {
  return call.direction === 'outbound' && call.callee !== null ? call.callee : call.caller;
}

/** Why a party's number cannot be looked up at all, or null when it can (the lookup and the first card agree). */
export function unusableNumber(
  party: Pick<Party, 'withheld' | 'extension' | 'e164'>,
): 'withheld number' | 'internal extension' | 'invalid number' | null {
  if (party.withheld) {
    return 'withheld number';
  }
  if (party.extension !== null) {
    return 'internal extension';
  }
  if (party.e164 === null) {
    return 'invalid number';
  }
  return null;
}
