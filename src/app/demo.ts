// Demo mode: the built-in GoTo simulator stands in for GoTo, with generated contacts and a gentle call stream.
import type { Logger } from 'pino';
import { startSimulator } from '../simulator/index.ts';
import type { RunningSimulator } from '../simulator/index.ts';
import type { Config } from '../config/config.ts';
import type { ContactStore } from '../lookup/ports.ts';
import { demoContacts } from './demo-contacts.ts';
import type { DemoLine } from './demo-history.ts';
import { startDemoTraffic, type DemoTraffic } from './demo-traffic.ts';

/** The simulator's OAuth client and the seeded admin's personal access token (src/simulator/directory). */
export const DEMO_CLIENT = { id: 'screenpop-demo', secret: 'screenpop-demo-secret' } as const;
export const DEMO_PAT = 'sim-pat-priya';
export const DEMO_CONTACTS = 300;

export interface Demo {
  readonly simulator: RunningSimulator;
  /** The simulator's lines with their user's name and email, for the demo call history. */
  readonly lines: readonly DemoLine[];
  /** The config with every GoTo URL pointed at the simulator and the demo client and PAT filled in. */
  readonly config: Config;
  startTraffic(log: Logger): DemoTraffic;
  close(): Promise<void>;
}

export function simulatorConfig(config: Config, url: string): Config {
  return Object.freeze({
    ...config,
    goto: {
      ...config.goto,
      clientId: config.goto.clientId ?? DEMO_CLIENT.id,
      clientSecret: config.goto.clientSecret ?? DEMO_CLIENT.secret,
      personalAccessToken: config.goto.personalAccessToken ?? DEMO_PAT,
      authUrl: url,
      apiUrl: url,
      adminUrl: url,
      realtimeUrl: url,
    },
  });
}

/** Each simulator line with the user it belongs to. */
export function demoLines(directory: RunningSimulator['directory']): DemoLine[] {
  return directory.lines.map((line) => {
    const user = directory.users.find((u) => u.lineIds.includes(line.id));
    return { id: line.id, extension: line.extension, name: line.name, email: user?.email ?? line.name };
  });
}

export async function startDemo(config: Config, options: { autoApprove?: boolean } = {}): Promise<Demo> {
  const simulator = await startSimulator({
    port: config.demo.simulatorPort,
    host: '127.0.0.1',
    timeScale: 1,
    ...(options.autoApprove === undefined ? {} : { autoApprove: options.autoApprove }),
  });
  return {
    simulator,
    lines: demoLines(simulator.directory),
    config: simulatorConfig(config, simulator.url),
    startTraffic: (log) =>
      startDemoTraffic(
        (call) => simulator.telephony.placeCall(call),
        config.demo.callIntervalSeconds,
        DEMO_CONTACTS,
        log,
      ),
    close: () => simulator.close(),
  };
}

/** Seeds the generated contacts when the contact store is empty; returns how many were added. */
export async function seedDemoContacts(contacts: ContactStore, now: number): Promise<number> {
  const existing = await contacts.search({ limit: 1, offset: 0 });
  if (existing.total > 0) {
    return 0;
  }
  const result = await contacts.upsertMany(demoContacts(DEMO_CONTACTS, now));
  return result.inserted;
}
