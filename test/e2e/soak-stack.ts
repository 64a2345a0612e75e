// The real screenpop (composition root, SQLite file, Call Events with the PAT) against a simulator the soak starts
// itself, so the soak owns the simulator's clock and report delay (demo mode runs it at 1×).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.ts';
import { startScreenpop } from '../../src/app/screenpop.ts';
import { DEMO_CLIENT, DEMO_PAT, seedDemoContacts } from '../../src/app/demo.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import type { Stack } from './harness.ts';

export interface SoakStack extends Stack {
  readonly simulator: RunningSimulator;
}

export interface SoakStackOptions {
  /** Simulated time runs this many times faster than ours. */
  readonly timeScale: number;
  /** Simulated seconds after a call ends before its Call Events Report is ready. */
  readonly reportDelaySeconds: number;
}

/** screenpop's GOTO_REPORT_DELAY_SECONDS for a simulator report delay: its real seconds, plus one for a busy host. */
function realReportDelay(options: SoakStackOptions): string {
  return String(Math.ceil(options.reportDelaySeconds / options.timeScale) + 1);
}

/** Starts the simulator, then screenpop configured as for a real GoTo account (not demo mode) pointing at it. */
export async function startSoakStack(options: SoakStackOptions): Promise<SoakStack> {
  const simulator = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    timeScale: options.timeScale,
    reportDelaySeconds: options.reportDelaySeconds,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'screenpop-pop-soak-'));
  try {
    const config = loadConfig({
      SCREENPOP_PORT: '0',
      SCREENPOP_HOST: '127.0.0.1',
      SCREENPOP_DATA_DIR: dataDir,
      SCREENPOP_DEMO: 'false',
      GOTO_CLIENT_ID: DEMO_CLIENT.id,
      GOTO_CLIENT_SECRET: DEMO_CLIENT.secret,
      GOTO_PERSONAL_ACCESS_TOKEN: DEMO_PAT,
      GOTO_AUTH_URL: simulator.url,
      GOTO_API_URL: simulator.url,
      GOTO_ADMIN_URL: simulator.url,
      GOTO_REALTIME_URL: simulator.url,
      GOTO_REPORT_DELAY_SECONDS: realReportDelay(options),
      LOG_LEVEL: 'silent',
    });
    const app = await startScreenpop(config, {
      webRoot: null,
      logger: pino({ level: process.env['E2E_LOG_LEVEL'] ?? 'silent' }),
    });
    // The demo's generated contacts, so known callers' cards carry a match.
    await seedDemoContacts(app.store.contacts, Date.now());
    return {
      app,
      simulator,
      url: app.url,
      simUrl: simulator.url,
      close: async () => {
        await app.close();
        await simulator.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
