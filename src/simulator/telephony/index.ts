// Entry point of the simulator's telephony part: calls, notification channels, Call Events, reports, Realtime.
import type { TelephonyHandle, TelephonyModule } from '../context.ts';
import { CallEngine } from './call-engine.ts';
import { CallEventsSubscriptions, registerCallEventsRoutes } from './call-events.ts';
import { registerChannelRoutes } from './channel-routes.ts';
import { ChannelStore } from './channels.ts';
import { Timers } from './flow-context.ts';
import { optionsOf } from './options.ts';
import { registerReportRoutes, ReportService } from './reports.ts';
import { RealtimeService, registerRealtimeRoutes } from './realtime.ts';
import { CallMix, PlannedCalls, TrafficGenerator } from './traffic.ts';

export { SimInputError } from './place-call.ts';

export const registerTelephony: TelephonyModule = async (app, ctx) => {
  const options = () => optionsOf(ctx);
  const timers = new Timers(ctx.clock);
  const engine = new CallEngine(ctx, timers);
  const channels = new ChannelStore(ctx, timers, () => options().channelLifetimeSeconds);
  const callEvents = new CallEventsSubscriptions(channels);
  engine.listen(callEvents);
  const reports = new ReportService(ctx, channels, engine.directory, timers);
  engine.listen(reports);
  const realtime = new RealtimeService(ctx, timers);
  engine.listen(realtime);
  registerRealtimeRoutes(app, ctx, realtime);
  registerChannelRoutes(app, ctx, channels);
  registerReportRoutes(app, ctx, channels, reports);
  registerCallEventsRoutes(app, ctx, channels, callEvents, engine);

  const traffic = new TrafficGenerator(
    timers,
    ctx.clock.scale,
    () => ctx.clock.now(),
    new CallMix(ctx.directory),
    (body) => {
      try {
        engine.place(body);
      } catch (error) {
        console.error('telephony: generated call rejected', error);
      }
    },
  );

  const handle: TelephonyHandle = {
    async placeCall(request) {
      return engine.place(request);
    },
    listCalls: () => engine.summaries(),
    closeSockets: () => channels.closeSockets() + realtime.closeSockets(),
    traffic(options) {
      if (options === null) {
        traffic.stop();
        return;
      }
      traffic.start(options, options.plan === undefined ? undefined : new PlannedCalls(options.plan));
    },
    trafficPlaced: () => traffic.placed,
    sockets: () => ({
      channelSockets: channels.all().reduce((n, c) => n + c.sockets.size, 0),
      realtimeLines: realtime.watchedLines(),
    }),
    async close() {
      traffic.stop();
      timers.stop();
      channels.close();
      realtime.close();
    },
  };
  return handle;
};
