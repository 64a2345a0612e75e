// Entry point of the simulator's telephony part: calls, notification channels, Call Events, reports, Realtime.
import type { TelephonyHandle, TelephonyModule } from '../context.ts';

export const registerTelephony: TelephonyModule = async (_app, _ctx) => {
  const handle: TelephonyHandle = {
    async placeCall() {
      throw new Error('telephony: placeCall not implemented yet');
    },
    listCalls: () => [],
    closeSockets: () => 0,
    traffic: () => undefined,
    close: async () => undefined,
  };
  return handle;
};
